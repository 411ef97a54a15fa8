"""AES-GCM encryption of biometric blobs at rest, with key ids so keys can rotate.

BIOMETRIA_KEYS = "id:base64,id2:base64": the first key encrypts, every listed key decrypts.
Each configured secret goes through HKDF-SHA256 to a 256-bit key, so secrets of any length
from 16 bytes work and the stored key id always names the secret that was used.
"""
from __future__ import annotations

import base64
import binascii
import functools
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
MIN_SECRET_BYTES = 16


class BlobUnreadable(Exception):
    """A blob whose key id is unknown or whose tag does not verify (tampered, or wrong key)."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    data: bytes  # nonce || ciphertext || tag


def parse_keys(spec: str) -> dict[str, bytes]:
    """{key_id: 32-byte AES key}, in the order given (the first one encrypts)."""
    keys: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id:
            raise ImproperlyConfigured("BIOMETRIA_KEYS: each entry is id:base64key")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(f"BIOMETRIA_KEYS: key {key_id!r} is not valid base64")
        if len(secret) < MIN_SECRET_BYTES:
            raise ImproperlyConfigured(f"BIOMETRIA_KEYS: key {key_id!r} is shorter than {MIN_SECRET_BYTES} bytes")
        keys[key_id] = _derive(secret, key_id)
    if not keys:
        raise ImproperlyConfigured("BIOMETRIA_KEYS is empty: biometric data cannot be stored")
    return keys


def _derive(secret: bytes, key_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"migraciones-biometria:{key_id}".encode()).derive(secret)


@functools.lru_cache(maxsize=4)
def _keys(spec: str) -> dict[str, bytes]:
    return parse_keys(spec)


def current_keys() -> dict[str, bytes]:
    return _keys(settings.BIOMETRIA_KEYS)


def seal(plaintext: bytes, *, aad: bytes) -> Sealed:
    """Encrypt with the first key; `aad` binds the ciphertext to its row and kind."""
    keys = current_keys()
    key_id = next(iter(keys))
    nonce = os.urandom(NONCE_BYTES)
    return Sealed(key_id, nonce + AESGCM(keys[key_id]).encrypt(nonce, plaintext, aad))


def unseal(sealed: Sealed, *, aad: bytes) -> bytes:
    key = current_keys().get(sealed.key_id)
    if key is None:
        raise BlobUnreadable(f"unknown key id {sealed.key_id!r}")
    try:
        return AESGCM(key).decrypt(sealed.data[:NONCE_BYTES], sealed.data[NONCE_BYTES:], aad)
    except InvalidTag:
        raise BlobUnreadable("authentication tag does not verify")
