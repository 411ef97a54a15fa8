"""Files a page already accepted, kept on the server for the next submission after an error (issue 12, item 3).

One mechanism for every form with a file input (pasaporte's enrollment and delivery, control's counter and
MigraCheck, biometria's capture): when the page fails on another field, the files that passed are kept, the
page names them ("Archivo aceptado: foto.jpg — puede cambiarlo") and a submission without a new file uses the
kept one. Nothing travels back in the page or in a URL: the bytes go to the cache, sealed with AES-GCM under
a key that lives only in the visitor's session, for `KEPT_FILES_TTL_S` (30 minutes); the session holds the
reference, that key and the file's name. Each page (and record) has its own scope, so a file kept for one
application or traveller never reaches another form; pages clear their scope on a fresh GET and on success.
Without the cache nothing is kept (the page then asks for the file again, as before).
"""
from __future__ import annotations

import base64
import logging
import os
import secrets
from typing import Any, Iterable, Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

logger = logging.getLogger(__name__)

SESSION_KEY = "kept_files"
DISCARD_PREFIX = "discard_"  # the page's "Quitar este archivo" checkbox for a kept file
MAX_NAME_CHARS = 80


def _ttl_s() -> int:
    return int(getattr(settings, "KEPT_FILES_TTL_S", 30 * 60))


def _cache_key(ref: str) -> str:
    return f"kept-file:{ref}"


def _display_name(filename: str) -> str:
    """The name as the visitor chose it, without any folder, cut to a readable length."""
    name = os.path.basename(str(filename or "").replace("\\", "/")).strip() or "archivo"
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def _read(upload) -> bytes:
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    return raw


def file_fields(form_class: type[forms.Form]) -> list[str]:
    return [name for name, field in form_class.base_fields.items() if isinstance(field, forms.FileField)]


class KeptFiles:
    """The kept files of one page (`scope`, e.g. "pasaporte.enroll:42") in this visitor's session."""

    def __init__(self, request, scope: str) -> None:
        self.request = request
        self.scope = scope

    # -- the session's references -------------------------------------------------------------
    def _entries(self) -> dict[str, dict]:
        return dict(self.request.session.get(SESSION_KEY, {}).get(self.scope, {}))

    def _store(self, entries: dict[str, dict]) -> None:
        every = dict(self.request.session.get(SESSION_KEY, {}))
        if entries:
            every[self.scope] = entries
        else:
            every.pop(self.scope, None)
        if every or SESSION_KEY in self.request.session:
            self.request.session[SESSION_KEY] = every

    # -- one file -------------------------------------------------------------------------------
    def keep(self, field: str, raw: bytes, filename: str) -> bool:
        """Keep `raw` for `field` (replacing what was kept); False when the cache cannot take it."""
        key, ref, nonce = AESGCM.generate_key(bit_length=256), secrets.token_urlsafe(24), os.urandom(12)
        sealed = nonce + AESGCM(key).encrypt(nonce, raw, ref.encode())
        try:
            cache.set(_cache_key(ref), sealed, timeout=_ttl_s())
        except Exception:  # the cache is down: nothing is kept, the page asks for the file again
            logger.warning("kept file not stored: cache unavailable (scope %s)", self.scope.split(":")[0])
            self.forget(field)
            return False
        entries = self._entries()
        old = entries.get(field)
        entries[field] = {"ref": ref, "key": base64.b64encode(key).decode("ascii"),
                          "name": _display_name(filename), "size": len(raw)}
        self._store(entries)
        if old:
            self._drop(old["ref"])
        return True

    def get(self, field: str) -> tuple[str, bytes] | None:
        """(file name, bytes) kept for `field`, or None (never kept, expired, or unreadable)."""
        entry = self._entries().get(field)
        if entry is None:
            return None
        try:
            sealed = cache.get(_cache_key(entry["ref"]))
        except Exception:
            sealed = None
        raw = None
        if sealed:
            try:
                raw = AESGCM(base64.b64decode(entry["key"])).decrypt(sealed[:12], sealed[12:], entry["ref"].encode())
            except (InvalidTag, ValueError):
                raw = None
        if raw is None:
            self.forget(field)
            return None
        return entry["name"], raw

    def forget(self, *fields: str) -> None:
        entries = self._entries()
        for field in fields:
            entry = entries.pop(field, None)
            if entry:
                self._drop(entry["ref"])
        self._store(entries)

    def clear(self) -> None:
        """Forget every file of this page (a fresh form, or the page succeeded)."""
        self.forget(*self._entries())

    def names(self) -> dict[str, str]:
        """{field: file name} of what is kept and still readable."""
        return {field: found[0] for field in self._entries() if (found := self.get(field))}

    @staticmethod
    def _drop(ref: str) -> None:
        try:
            cache.delete(_cache_key(ref))
        except Exception:
            pass  # it expires on its own

    # -- a submission ---------------------------------------------------------------------------
    def files(self, files: Mapping[str, Any], data: Mapping[str, Any], *, fields: Iterable[str]) -> MultiValueDict:
        """The request's files with the kept ones added for each of `fields` the visitor did not choose
        again (nor send as text, e.g. a camera shot), unless they ticked "Quitar este archivo"."""
        merged = MultiValueDict({name: files.getlist(name) if hasattr(files, "getlist") else [files[name]]
                                 for name in files})
        for field in fields:
            if data.get(f"{DISCARD_PREFIX}{field}"):
                self.forget(field)
                continue
            if field in files or data.get(field):
                continue
            found = self.get(field)
            if found:
                name, raw = found
                merged[field] = SimpleUploadedFile(name, raw)
        return merged

    def form_files(self, form_class: type[forms.Form]) -> MultiValueDict | None:
        """The files to bind `form_class` with: on a POST the request's plus the kept ones; on any other
        request (a fresh form) none, and what this page kept before is forgotten."""
        if self.request.method != "POST":
            self.clear()
            return None
        return self.files(self.request.FILES, self.request.POST, fields=file_fields(form_class))

    def keep_accepted(self, files: Mapping[str, Any], data: Mapping[str, Any], accepted: Mapping[str, bytes], *,
                      fields: Iterable[str], text_name: str = "") -> None:
        """After a failed submission: keep each of `fields` in `accepted` ({field: bytes} that pass on their
        own), forget one that was sent again and failed. `text_name` names a file sent as text (a camera shot)."""
        for field in fields:
            if field in accepted:
                upload = files.get(field)
                self.keep(field, accepted[field], upload.name if upload is not None else text_name or field)
            elif field in files or data.get(field):
                self.forget(field)

    def keep_form(self, form: forms.Form, *, accepted: Iterable[str] | None = None) -> None:
        """After `form` failed: keep each file field's upload that has no error of its own (and is in
        `accepted`, when the page knows better which passed), forget the others that were sent."""
        accepted = None if accepted is None else set(accepted)
        cleaned = getattr(form, "cleaned_data", {}) or {}
        for name, field in form.fields.items():
            if not isinstance(field, forms.FileField):
                continue
            upload = cleaned.get(name) or form.files.get(name)
            if upload is None:
                continue
            if name in form.errors or (accepted is not None and name not in accepted):
                self.forget(name)
            else:
                self.keep(name, _read(upload), upload.name)

    def show(self, form: forms.Form) -> forms.Form:
        """Mark `form`'s file fields that have a kept file: `templates/includes_form.html` names it beside
        the input, which is then not required (a submission without a new file uses the kept one)."""
        for name, filename in self.names().items():
            field = form.fields.get(name)
            if field is None:
                continue
            field.kept_name = filename
            field.required = False
            field.widget.attrs["aria-describedby"] = f"{form[name].auto_id}_kept"
        return form
