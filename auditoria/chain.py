"""The canonical form of an audit entry and its chain hash: HMAC-SHA256 under a key outside the database.

Entries written before keyed hashing carry an empty `key_id` and a plain SHA-256 link; they stay
verifiable, but only as the start of the chain (see selectors.audit_chain_verify).
"""
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

GENESIS_HASH = "0" * 64
UNKEYED = ""  # key_id of the entries chained with plain SHA-256, before AUDIT_HMAC_KEY
_SEP = "\x1f"


def canonical(
    *,
    created_at: datetime,
    actor_id: int | None,
    actor_repr: str,
    kind: str,
    action: str,
    object_type: str,
    object_id: str,
    person_id: int | None,
    purpose: str,
    details: dict,
) -> str:
    # A fixed field order and a unit separator make the form unambiguous and cheap to build.
    return _SEP.join(
        [
            created_at.isoformat(timespec="microseconds"),
            "" if actor_id is None else str(actor_id),
            actor_repr,
            kind,
            action,
            object_type,
            object_id,
            "" if person_id is None else str(person_id),
            purpose,
            json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str),
        ]
    )


def key_id_of(secret: bytes) -> str:
    """A short public name for a key (recorded per entry), from which the key cannot be recovered."""
    return "h" + hashlib.sha256(b"auditoria-key-id\x00" + secret).hexdigest()[:11]


@dataclass(frozen=True)
class ChainKey:
    """One HMAC key of the chain; `key_id` is stored with each entry it hashed."""

    key_id: str
    secret: bytes

    def __post_init__(self) -> None:
        # Keyed once and copied per entry. A digest name gives OpenSSL's HMAC; copying its C object
        # directly (when this Python exposes it) skips hmac.HMAC.copy's Python wrapper: ~2.5x faster.
        keyed = hmac.new(self.secret, digestmod="sha256")
        object.__setattr__(self, "_keyed", getattr(keyed, "_hmac", None) or keyed)

    def link(self, canonical_entry: str, prev_hash: str) -> str:
        mac = self._keyed.copy()
        mac.update((canonical_entry + _SEP + prev_hash).encode("utf-8"))
        return mac.hexdigest()

    def sign(self, message: bytes) -> str:
        """A MAC for checkpoints, under a key derived apart so it can never pass for a chain link."""
        derived = hmac.new(self.secret, b"auditoria-checkpoint-v1", hashlib.sha256).digest()
        return hmac.new(derived, message, hashlib.sha256).hexdigest()


def unkeyed_link(canonical_entry: str, prev_hash: str) -> str:
    return hashlib.sha256((canonical_entry + _SEP + prev_hash).encode("utf-8")).hexdigest()


def chain_hash(canonical_entry: str, prev_hash: str, key: ChainKey | None) -> str:
    """The hash of an entry: HMAC under `key`, or the plain SHA-256 of the unkeyed entries."""
    return unkeyed_link(canonical_entry, prev_hash) if key is None else key.link(canonical_entry, prev_hash)
