"""Writing to the audit log: `audit_record` appends one chained entry inside the caller's transaction."""
import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from core.actor import Actor, actor_fields, actor_name

from .actions import audit_action_check
from .chain import GENESIS_HASH, ChainKey, canonical
from .checkpoints import Checkpoint, checkpoint_latest, checkpoint_write
from .keys import current_key
from .models import AuditEntry
from .selectors import audit_chain_verify_since

logger = logging.getLogger(__name__)

# An arbitrary, fixed key for the PostgreSQL advisory lock that serialises appends.
_PG_LOCK_KEY = 0x4D49_4752
_local_lock = threading.Lock()


def actor_repr(actor: Actor) -> str:
    """How an actor is named in records: a username, a system actor's name, or "sistema"."""
    return actor_name(actor)


def _last_hash() -> str:
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


@contextmanager
def _append_lock():
    """Serialise appends (and checkpoints) so each entry links to the one committed before it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            yield
        else:
            with _local_lock:
                yield


def audit_record(
    *,
    actor: Actor,
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
    entry = _prepare(actor, action, kind, obj, object_type, object_id, person_id, purpose, details)
    with _append_lock():
        _link([entry], current_key(), _last_hash())
        entry.save(force_insert=True)
    return entry


def audit_record_many(*, actor: Actor, entries: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Append several entries by one actor at once (one lock, one look-up, one INSERT): e.g. a
    page that shows many persons records one read per person. Each dict takes audit_record's
    keyword arguments other than `actor`."""
    prepared = [
        _prepare(actor, e["action"], e.get("kind", AuditEntry.Kind.WRITE), e.get("obj"), e.get("object_type", ""),
                 e.get("object_id", ""), e.get("person_id"), e.get("purpose", ""), e.get("details"))
        for e in entries
    ]
    if not prepared:
        return []
    with _append_lock():
        _link(prepared, current_key(), _last_hash())
        return AuditEntry.objects.bulk_create(prepared)


def _prepare(actor, action, kind, obj, object_type, object_id, person_id, purpose, details) -> AuditEntry:
    audit_action_check(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_pk, actor_label = actor_fields(actor)
    return AuditEntry(
        actor_id=actor_pk, actor_repr=actor_label, kind=str(kind), action=action, object_type=object_type,
        object_id=str(object_id), person_id=person_id, purpose=purpose,
        details=json.loads(json.dumps(details or {}, default=str)),
    )


def _link(entries: list[AuditEntry], key: ChainKey, prev: str) -> None:
    """Stamp, key and chain `entries` in order after `prev` (inside the append lock)."""
    now = timezone.now()
    for entry in entries:
        entry.created_at = now
        entry.prev_hash = prev
        entry.key_id = key.key_id
        entry.hash = prev = key.link(canonical(
            created_at=now, actor_id=entry.actor_id, actor_repr=entry.actor_repr, kind=entry.kind,
            action=entry.action, object_type=entry.object_type, object_id=entry.object_id,
            person_id=entry.person_id, purpose=entry.purpose, details=entry.details,
        ), prev)


class ChainDiscontinuity(Exception):
    """The chain no longer extends the latest checkpoint: no new checkpoint may bless it."""


def audit_checkpoint_create(*, actor: Actor = None) -> Checkpoint:
    """Sign the chain's current (count, last id, head hash) into a new checkpoint file.

    Refuses (ChainDiscontinuity) when the chain does not extend the previous checkpoint: shorter,
    its checkpointed entry changed, or a later entry that does not verify under the key.
    """
    with _append_lock():
        previous = checkpoint_latest()
        count = AuditEntry.objects.count()
        last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
        last_id, head = last if last else (None, GENESIS_HASH)
        if previous is not None:
            _check_extends(previous, count)
        check, leading_unkeyed = audit_chain_verify_since(
            after_id=previous.last_id if previous else None,
            after_hash=previous.head if previous else GENESIS_HASH,
            position=previous.count if previous else 0,
            unkeyed_allowed=previous.unkeyed if previous else None,
        )
        if not check.ok:
            raise ChainDiscontinuity(f"id={check.first_broken_id}: {check.reason}")
        unkeyed = previous.unkeyed if previous else leading_unkeyed
        written_at = timezone.now().astimezone(dt.timezone.utc)
        checkpoint_write(count=count, last_id=last_id, head=head, unkeyed=unkeyed, written_at=written_at)
        checkpoint = checkpoint_latest()
    logger.info("audit checkpoint written: %s entries, last id %s", count, last_id)
    return checkpoint


def _check_extends(previous: Checkpoint, count: int) -> None:
    if count < previous.count:
        raise ChainDiscontinuity(f"la cadena tiene {count} entradas y el punto de control anterior {previous.count}")
    if previous.last_id is None:
        return
    at = AuditEntry.objects.filter(id=previous.last_id).values_list("hash", flat=True).first()
    position = AuditEntry.objects.filter(id__lte=previous.last_id).count()
    if at != previous.head or position != previous.count:
        raise ChainDiscontinuity(f"la entrada id={previous.last_id} del punto de control anterior fue alterada")
