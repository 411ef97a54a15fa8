"""Writing to the audit log: `audit_record` appends one chained entry inside the caller's transaction."""
import json
import threading
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .chain import GENESIS_HASH, canonical, chain_hash
from .models import AuditEntry

# An arbitrary, fixed key for the PostgreSQL advisory lock that serialises appends.
_PG_LOCK_KEY = 0x4D49_4752
_local_lock = threading.Lock()


def actor_repr(actor: Any) -> str:
    """How an actor is named in records: a username, a system actor's name, or "sistema"."""
    return _actor_fields(actor)[1]


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "sistema"
    if isinstance(actor, str):
        return None, actor[:200]
    if getattr(actor, "is_authenticated", False):
        return actor.pk, actor.get_username()[:200]
    return None, "anónimo"


def _last_hash() -> str:
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


def audit_record(
    *,
    actor: Any,
    action: str,
    kind: str = AuditEntry.Kind.WRITE,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    person_id: int | None = None,
    purpose: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append an entry to the chain, in the same transaction as the change it records.

    `actor` is a user, a string naming a system actor (e.g. "device:GATE-01"), or None.
    `person_id` names the RIM person whose data this touches, so they can see it.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_id, actor_repr = _actor_fields(actor)
    details = json.loads(json.dumps(details or {}, default=str))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            return _append(actor_id, actor_repr, kind, action, object_type, str(object_id), person_id, purpose, details)
        with _local_lock:
            return _append(actor_id, actor_repr, kind, action, object_type, str(object_id), person_id, purpose, details)


def _append(actor_id, actor_repr, kind, action, object_type, object_id, person_id, purpose, details) -> AuditEntry:
    created_at = timezone.now()
    prev = _last_hash()
    fields = dict(
        created_at=created_at,
        actor_id=actor_id,
        actor_repr=actor_repr,
        kind=str(kind),
        action=action,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        purpose=purpose,
        details=details,
    )
    entry = AuditEntry(**fields, prev_hash=prev, hash=chain_hash(canonical(**fields), prev))
    entry.save(force_insert=True)
    return entry
