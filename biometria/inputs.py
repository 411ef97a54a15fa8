"""Turning request data (multipart files or base64 JSON) into engine captures, for apis and views."""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Mapping

from django.utils.translation import gettext as _

from core.errors import ApplicationError, ValidationFailed

from .engine import FingerCapture, FingerPosition, MissingFinger, MissingReason, capture_finger, parse_position
from .engine.errors import ImageTooLarge
from .engine.images import MAX_IMAGE_BYTES

# The capture page's image fields (face, fingers by ISO code, signature): kept after an error (cuentas.kept_files).
def image_fields(finger_codes: list[int]) -> list[str]:
    return ["face", "signature", *(f"finger_{code}" for code in finger_codes)]


def image_bytes(data: Mapping[str, Any], files: Mapping[str, Any], name: str, *, required: bool = True) -> bytes | None:
    """The bytes of an uploaded file `name`, or of base64 text under `name` in the JSON body."""
    upload = files.get(name)
    if upload is not None:
        if upload.size > MAX_IMAGE_BYTES:  # refuse before reading it into memory
            raise ImageTooLarge(_("La imagen supera el límite de 10 MB."), fields={name: f"{upload.size} bytes"})
        return upload.read()
    text = data.get(name)
    if text in (None, ""):
        if required:
            raise ValidationFailed(_("Falta la imagen."), fields={name: _("requerido")})
        return None
    return decode_base64(str(text), field=name)


def decode_base64(text: str, *, field: str) -> bytes:
    if "," in text[:100] and text.startswith("data:"):
        text = text.split(",", 1)[1]  # a data: URL from a browser canvas
    if len(text) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise ImageTooLarge(_("La imagen supera el límite de 10 MB."), fields={field: f"{len(text)} caracteres"})
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("La imagen no está en base64 válido."), fields={field: _("base64 inválido")})


def _json_list(value: Any, *, field: str) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValidationFailed(_("JSON inválido."), fields={field: _("se esperaba una lista JSON")})
    if not isinstance(value, list):
        raise ValidationFailed(_("Se esperaba una lista."), fields={field: _("se esperaba una lista")})
    return value


def finger_captures(data: Mapping[str, Any], files: Mapping[str, Any]) -> list[FingerCapture]:
    """Fingers as files `finger_<ISO code>` (multipart) or `fingers: [{position, image}]` (JSON)."""
    captures = []
    for name in sorted(files):
        if name.startswith("finger_"):
            position = parse_position(name.removeprefix("finger_"), field=name)
            captures.append(capture_finger(image_bytes(data, files, name), position=position, field=name))
    for index, item in enumerate(_json_list(data.get("fingers"), field="fingers")):
        field = f"fingers[{index}]"
        if not isinstance(item, dict):
            raise ValidationFailed(_("Dedo inválido."), fields={field: _("se esperaba {position, image}")})
        position = parse_position(item.get("position"), field=f"{field}.position")
        captures.append(capture_finger(decode_base64(str(item.get("image", "")), field=f"{field}.image"),
                                       position=position, field=f"{field}.image"))
    return captures


def missing_fingers(data: Mapping[str, Any]) -> list[MissingFinger]:
    """Fingers not captured: `missing_<code>` = reason (the capture page's choices) or the JSON list
    `missing_fingers: [{position, reason, note}]` (the API)."""
    found = []
    for name in sorted(k for k in data if k.startswith("missing_") and k != "missing_fingers"):
        value = str(data.get(name) or "")
        if not value:
            continue
        try:
            reason = MissingReason(value)
        except ValueError:
            raise ValidationFailed(_("Elija el motivo de la lista."), fields={name: _("Elija el motivo de la lista.")})
        found.append(MissingFinger(parse_position(name.removeprefix("missing_"), field=name), reason, ""))
    for index, item in enumerate(_json_list(data.get("missing_fingers"), field="missing_fingers")):
        field = f"missing_fingers[{index}]"
        if not isinstance(item, dict):
            raise ValidationFailed(_("Dedo faltante inválido."), fields={field: _("se esperaba {position, reason}")})
        try:
            reason = MissingReason(str(item.get("reason", "")))
        except ValueError:
            raise ValidationFailed(_("Motivo inválido."), fields={f"{field}.reason": ", ".join(MissingReason)})
        found.append(MissingFinger(parse_position(item.get("position"), field=f"{field}.position"), reason,
                                   str(item.get("note", ""))[:200]))
    return found


def single_finger(data: Mapping[str, Any], files: Mapping[str, Any]) -> FingerCapture:
    position: FingerPosition = parse_position(data.get("position"), field="position")
    return capture_finger(image_bytes(data, files, "finger"), position=position, field="finger")


def accepted_images(data: Mapping[str, Any], files: Mapping[str, Any], *, finger_codes: list[int]) -> dict[str, bytes]:
    """After a failed submission: each image (face, finger_<code>, signature) that passes its own capture,
    so the page keeps it and the officer repeats only what failed."""
    from .engine import capture_face, capture_signature

    for upload in files.values():
        upload.seek(0)
    checks = [("face", capture_face), ("signature", capture_signature)] + [
        (f"finger_{code}", lambda raw, code=code: capture_finger(raw, position=parse_position(code, field="finger"),
                                                                 field=f"finger_{code}"))
        for code in finger_codes]
    accepted = {}
    for name, check in checks:
        try:
            raw = image_bytes(data, files, name, required=False)
            if raw:
                check(raw)
                accepted[name] = raw
        except ApplicationError:
            continue
    return accepted
