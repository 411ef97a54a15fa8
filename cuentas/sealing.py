"""AES-GCM sealing of device HMAC secrets at rest, with key ids so the key can rotate.

DEVICE_SECRET_KEYS = "id:base64,id2:base64": the first key seals, every listed key opens. A sealed
secret is stored as "v1:<key id>:<base64 of nonce || ciphertext || tag>", bound to its device's key id.
"""
from __future__ import annotations

import base64
import binascii
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
NONCE_BYTES = 12
MIN_SECRET_BYTES = 16


class SecretUnreadable(Exception):
    """A sealed secret whose key id is unknown or whose tag does not verify."""


def parse_key_list(spec: str, *, setting: str, info_prefix: str, purpose: str) -> dict[str, bytes]:
    """{key_id: 32-byte AES key} from "id:base64,id2:base64", in the order given (the first one seals).

    Each secret (16 bytes or more) goes through HKDF-SHA256 with `info_prefix:key_id`, so keys of
    different settings never coincide. Shared by every at-rest key list (devices here, biometria).
    """
    keys: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id:
            raise ImproperlyConfigured(f"{setting}: each entry is id:base64key")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(f"{setting}: key {key_id!r} is not valid base64")
        if len(secret) < MIN_SECRET_BYTES:
            raise ImproperlyConfigured(f"{setting}: key {key_id!r} is shorter than {MIN_SECRET_BYTES} bytes")
        keys[key_id] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                            info=f"{info_prefix}:{key_id}".encode()).derive(secret)
    if not keys:
        raise ImproperlyConfigured(f"{setting} is empty: {purpose} cannot be stored")
    return keys


def parse_keys(spec: str) -> dict[str, bytes]:
    """{key_id: 32-byte AES key} of DEVICE_SECRET_KEYS."""
    return parse_key_list(spec, setting="DEVICE_SECRET_KEYS", info_prefix="migraciones-device-secret",
                          purpose="device secrets")


@functools.lru_cache(maxsize=4)
def _keys(spec: str) -> dict[str, bytes]:
    return parse_keys(spec)


def _aad(device_key_id: str) -> bytes:
    return f"cuentas.devicecredential:{device_key_id}".encode()


def seal_secret(secret: str, *, device_key_id: str, spec: str | None = None) -> str:
    keys = _keys(spec if spec is not None else settings.DEVICE_SECRET_KEYS)
    key_id = next(iter(keys))
    nonce = os.urandom(NONCE_BYTES)
    data = nonce + AESGCM(keys[key_id]).encrypt(nonce, secret.encode(), _aad(device_key_id))
    return f"{PREFIX}:{key_id}:{base64.b64encode(data).decode()}"


def unseal_secret(sealed: str, *, device_key_id: str, spec: str | None = None) -> str:
    prefix, _sep, rest = sealed.partition(":")
    key_id, _sep, encoded = rest.partition(":")
    key = _keys(spec if spec is not None else settings.DEVICE_SECRET_KEYS).get(key_id)
    if prefix != PREFIX or key is None:
        raise SecretUnreadable(f"unknown key id {key_id!r}")
    try:
        data = base64.b64decode(encoded, validate=True)
        return AESGCM(key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], _aad(device_key_id)).decode()
    except (binascii.Error, InvalidTag, ValueError):
        raise SecretUnreadable("the sealed secret does not open with its key")


def sealed_with(sealed: str) -> str:
    """The key id a sealed secret was sealed with (to find rows still under a retired key)."""
    return sealed.split(":", 2)[1] if sealed.count(":") >= 2 else ""
