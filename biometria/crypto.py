"""AES-GCM encryption of biometric blobs at rest, with key ids so keys can rotate.

BIOMETRIA_KEYS = "id:base64,id2:base64": the first key encrypts, every listed key decrypts.
Each configured secret goes through HKDF-SHA256 to a 256-bit key, so secrets of any length
from 16 bytes work and the stored key id always names the secret that was used.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from cuentas.sealing import parse_key_list

NONCE_BYTES = 12


class BlobUnreadable(Exception):
    """A blob whose key id is unknown or whose tag does not verify (tampered, or wrong key)."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    data: bytes  # nonce || ciphertext || tag


def parse_keys(spec: str) -> dict[str, bytes]:
    """{key_id: 32-byte AES key} of BIOMETRIA_KEYS, in the order given (the first one encrypts)."""
    return parse_key_list(spec, setting="BIOMETRIA_KEYS", info_prefix="migraciones-biometria",
                          purpose="biometric data")


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
