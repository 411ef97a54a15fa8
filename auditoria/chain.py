"""The canonical form of an audit entry and its SHA-256 chain hash."""
import hashlib
import json
from datetime import datetime

GENESIS_HASH = "0" * 64
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


def chain_hash(canonical_entry: str, prev_hash: str) -> str:
    return hashlib.sha256((canonical_entry + _SEP + prev_hash).encode("utf-8")).hexdigest()
