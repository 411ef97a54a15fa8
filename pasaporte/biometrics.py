"""Biometric checks the passport flow needs (face 1:1 and 1:N, image checks, encryption at rest).

The `biometria` app is meant to own these; until its services exist this module is the one seam
the pasaporte services call, so swapping it for biometria.services touches nothing else.
"""
import base64
import hashlib
import io
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

from biometria.engine.errors import FaceCountError
from biometria.engine.images import (
    FACE_FORMATS,
    FINGER_FORMATS,
    SIGNATURE_FORMATS,
    decode_image,
    encode_jpeg,
    to_rgb,
)
from migraciones.errors import ValidationFailed

# face_recognition's distance: below this the two faces are the same person (its documented 0.6,
# a little stricter because a false accept at delivery hands over someone else's passport).
FACE_MATCH_DISTANCE = 0.55
# Detection on a downscaled copy: HOG cost grows with pixels and 400 px keeps the face findable.
DETECTION_MAX_SIDE = 400
# Stored portrait: large enough for DG2 (ICAO asks for 240 px between the ears at most).
PORTRAIT_MAX_SIDE = 640
MIN_FINGERS = 2


@dataclass(frozen=True)
class FaceMatch:
    same: bool
    distance: float


@dataclass(frozen=True)
class FingerMatch:
    same: bool
    score: float


@lru_cache(maxsize=1)
def _keys() -> dict[str, bytes]:
    keys = {}
    for item in settings.BIOMETRIA_KEYS.split(","):
        key_id, _sep, value = item.strip().partition(":")
        raw = base64.b64decode(value)
        # Key material of another length (the development default is 31 bytes) is hashed to 256 bits.
        keys[key_id] = raw if len(raw) in (16, 24, 32) else hashlib.sha256(raw).digest()
    return keys


def encrypt(data: bytes) -> bytes:
    """AES-GCM under the first configured key: key id, nonce, ciphertext."""
    key_id, key = next(iter(_keys().items()))
    nonce = os.urandom(12)
    return key_id.encode() + b":" + nonce + AESGCM(key).encrypt(nonce, bytes(data), None)


def decrypt(blob: bytes) -> bytes:
    key_id, _sep, rest = bytes(blob).partition(b":")
    return AESGCM(_keys()[key_id.decode()]).decrypt(rest[:12], rest[12:], None)


def portrait_jpeg(data: bytes, *, field: str = "face") -> bytes:
    """The captured face as a JPEG for the chip's DG2 (decoded, RGB, downscaled)."""
    image = to_rgb(decode_image(data, field=field, allowed=FACE_FORMATS).image)
    image.thumbnail((PORTRAIT_MAX_SIDE, PORTRAIT_MAX_SIDE))
    return encode_jpeg(image, quality=88)


def face_encoding(data: bytes, *, field: str = "face") -> np.ndarray:
    """The 128-d encoding of the one face in an image; no face or several is a typed error."""
    import face_recognition  # heavy import (dlib): only where faces are compared

    image = to_rgb(decode_image(data, field=field, allowed=FACE_FORMATS).image)
    image.thumbnail((DETECTION_MAX_SIDE, DETECTION_MAX_SIDE))
    pixels = np.asarray(image)
    locations = face_recognition.face_locations(pixels)
    if len(locations) != 1:
        raise FaceCountError(
            _("La foto debe mostrar exactamente un rostro."), fields={field: _("Rostros encontrados: %(n)s") % {"n": len(locations)}},
            extra={"faces_found": len(locations)},
        )
    return face_recognition.face_encodings(pixels, locations)[0]


def encoding_bytes(encoding: np.ndarray) -> bytes:
    return np.asarray(encoding, dtype=np.float64).tobytes()


def encoding_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float64)


def compare_faces(a: np.ndarray, b: np.ndarray) -> FaceMatch:
    distance = float(np.linalg.norm(a - b))
    return FaceMatch(same=distance <= FACE_MATCH_DISTANCE, distance=round(distance, 4))


def nearest(probe: np.ndarray, gallery: np.ndarray) -> tuple[int, float] | None:
    """Index and distance of the closest gallery row (one matrix product for the whole gallery)."""
    if len(gallery) == 0:
        return None
    distances = np.linalg.norm(gallery - probe, axis=1)
    index = int(np.argmin(distances))
    return index, float(distances[index])


def check_fingers(fingers: dict[int, bytes]) -> dict[int, bytes]:
    """At least two decodable finger images, by ISO 19794-4 position (1 = right thumb ... 10)."""
    usable = {}
    for position, data in fingers.items():
        if not 1 <= int(position) <= 10:
            raise ValidationFailed(_("Posición de dedo inválida."), fields={f"finger_{position}": _("Use 1 a 10.")})
        decode_image(data, field=f"finger_{position}", allowed=FINGER_FORMATS)
        usable[int(position)] = bytes(data)
    if len(usable) < MIN_FINGERS:
        raise ValidationFailed(_("Registre al menos dos huellas."), fields={"fingers": _("Se necesitan dos o más.")})
    return usable


def compare_fingerprints(live: bytes, enrolled: bytes, *, position: int, field: str = "finger") -> FingerMatch:
    """1:1 of a live fingerprint against the one enrolled at the same position (biometria's engine: MCC)."""
    from biometria.engine import capture_finger, compare_fingers
    from biometria.engine.finger import FingerPosition

    finger_position = FingerPosition(int(position))
    probe = capture_finger(live, position=finger_position, field=field)
    reference = capture_finger(enrolled, position=finger_position, field=f"enrolled_{field}")
    decision = compare_fingers(probe.iso_template, reference.iso_template)
    return FingerMatch(same=decision.decision, score=decision.score)


def finger_for_chip(data: bytes, *, field: str) -> bytes:
    """WSQ, PNG and JPEG go to DG3 as captured; anything else is re-encoded as PNG."""
    decoded = decode_image(data, field=field, allowed=FINGER_FORMATS)
    if decoded.format in ("WSQ", "PNG", "JPEG"):
        return bytes(data)
    buffer = io.BytesIO()
    decoded.image.convert("L").save(buffer, format="PNG")
    return buffer.getvalue()


def signature_for_chip(data: bytes) -> bytes:
    decoded = decode_image(data, field="signature", allowed=SIGNATURE_FORMATS)
    if decoded.format in ("PNG", "JPEG"):
        return bytes(data)
    return encode_jpeg(to_rgb(decoded.image))
