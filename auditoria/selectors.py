"""Reading the audit log: chain verification and the person's access history."""
from dataclasses import dataclass

from django.db.models import QuerySet

from .chain import GENESIS_HASH, canonical, chain_hash
from .models import AuditEntry


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""


_FIELDS = (
    "id", "created_at", "actor_id", "actor_repr", "kind", "action", "object_type",
    "object_id", "person_id", "purpose", "details", "prev_hash", "hash",
)


def audit_chain_verify(*, chunk_size: int = 5000) -> ChainCheck:
    """Walk the whole chain in id order, recomputing each hash and each link."""
    prev = GENESIS_HASH
    checked = 0
    rows = AuditEntry.objects.order_by("id").values_list(*_FIELDS).iterator(chunk_size=chunk_size)
    for (pk, created_at, actor_id, actor_repr, kind, action, object_type, object_id,
         person_id, purpose, details, prev_hash, stored_hash) in rows:
        if prev_hash != prev:
            return ChainCheck(False, checked, pk, "el enlace con la entrada anterior no coincide")
        entry = canonical(
            created_at=created_at, actor_id=actor_id, actor_repr=actor_repr, kind=kind,
            action=action, object_type=object_type, object_id=object_id, person_id=person_id,
            purpose=purpose, details=details,
        )
        if chain_hash(entry, prev_hash) != stored_hash:
            return ChainCheck(False, checked, pk, "el contenido no corresponde a su hash")
        prev = stored_hash
        checked += 1
    return ChainCheck(True, checked)


def person_access_log(*, person_id: int) -> QuerySet[AuditEntry]:
    """Every read of a person's data: when, by whom, for what purpose (newest first)."""
    return (
        AuditEntry.objects.filter(person_id=person_id, kind=AuditEntry.Kind.READ)
        .order_by("-created_at", "-id")
        .only("created_at", "actor_repr", "action", "purpose", "object_type")
    )
