"""The audit chain's keys, from the settings (the environment), never from the database.

AUDIT_HMAC_KEY hashes new entries and signs checkpoints; AUDIT_HMAC_OLD_KEYS (retired keys) still
verify the entries and checkpoints they made. Each entry records the id of its key.
"""
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .chain import ChainKey, key_id_of

MIN_SECRET_CHARS = 32


@lru_cache(maxsize=8)
def _keyring(current: str, old: tuple[str, ...]) -> tuple[ChainKey, dict[str, ChainKey]]:
    if not current:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY is empty: the audit chain cannot be written")
    keys = [ChainKey(key_id_of(s.encode()), s.encode()) for s in (current, *old) if s]
    return keys[0], {k.key_id: k for k in keys}


def _settings_keyring() -> tuple[ChainKey, dict[str, ChainKey]]:
    return _keyring(settings.AUDIT_HMAC_KEY, tuple(settings.AUDIT_HMAC_OLD_KEYS))


def current_key() -> ChainKey:
    """The key that hashes new entries and signs new checkpoints."""
    return _settings_keyring()[0]


def key_by_id(key_id: str) -> ChainKey | None:
    """The current or a retired key by its id; None if no configured key has that id."""
    return _settings_keyring()[1].get(key_id)
