"""Reading the audit log: chain verification and the person's access history."""
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.actor import SYSTEM_NAME

from .actions import audit_action_label
from .purposes import purpose_label

from .chain import GENESIS_HASH, UNKEYED, ChainKey, canonical, chain_hash
from .checkpoints import Checkpoint, CheckpointInvalid, checkpoint_latest
from .keys import key_by_id
from .models import AuditEntry


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    # The latest signed checkpoint the chain was held against (None: there is none yet).
    checkpoint: Checkpoint | None = None


_FIELDS = (
    "id", "created_at", "actor_id", "actor_repr", "kind", "action", "object_type",
    "object_id", "person_id", "purpose", "details", "prev_hash", "hash", "key_id",
)


def audit_chain_verify(*, chunk_size: int = 5000, use_checkpoint: bool = True) -> ChainCheck:
    """Walk the whole chain in id order, recomputing each hash and each link, and hold it
    against the latest signed checkpoint: it must contain that checkpoint's entry at the same
    position with the same hash (so a chain cut short, truncated or re-hashed fails).

    Unkeyed (plain SHA-256) entries pass only as the chain's first `unkeyed` entries that a
    checkpoint recognised: whoever rewrites the chain without the key cannot make them.
    """
    try:
        checkpoint = checkpoint_latest() if use_checkpoint else None
    except CheckpointInvalid as exc:
        return ChainCheck(False, 0, None, str(exc))
    rows = AuditEntry.objects.order_by("id").values_list(*_FIELDS)
    result = _verify_rows(rows.iterator(chunk_size=chunk_size), GENESIS_HASH, checkpoint=checkpoint,
                          unkeyed_allowed=checkpoint.unkeyed if checkpoint else 0)
    if result.ok and checkpoint is not None and result.checked < checkpoint.count:
        return ChainCheck(False, result.checked, None,
                          f"la cadena tiene {result.checked} entradas y el punto de control del "
                          f"{checkpoint.written_at} registró {checkpoint.count}: faltan entradas",
                          checkpoint)
    return result


def audit_chain_verify_since(*, after_id: int | None, after_hash: str, position: int, unkeyed_allowed: int | None,
                             chunk_size: int = 5000) -> tuple[ChainCheck, int]:
    """Verify only the entries after `after_id` (the `position`-th entry), which must link to
    `after_hash`; also returns how many leading entries are unkeyed (for a first checkpoint,
    `unkeyed_allowed=None` recognises any that come before the first keyed one)."""
    rows = AuditEntry.objects.order_by("id").values_list(*_FIELDS)
    if after_id is not None:
        rows = rows.filter(id__gt=after_id)
    unkeyed = [0]
    result = _verify_rows(rows.iterator(chunk_size=chunk_size), after_hash, position=position,
                          unkeyed_allowed=unkeyed_allowed, unkeyed_seen=unkeyed)
    return result, unkeyed[0]


def _verify_rows(rows, prev: str, *, unkeyed_allowed: int | None, position: int = 0,
                 checkpoint: Checkpoint | None = None, unkeyed_seen: list[int] | None = None) -> ChainCheck:
    checked = 0
    keyed_seen = False
    keys: dict[str, ChainKey | None] = {}
    for (pk, created_at, actor_id, actor_repr, kind, action, object_type, object_id,
         person_id, purpose, details, prev_hash, stored_hash, key_id) in rows:
        position += 1
        if prev_hash != prev:
            return ChainCheck(False, checked, pk, "el enlace con la entrada anterior no coincide", checkpoint)
        if key_id == UNKEYED:
            # Plain SHA-256 entries predate keyed hashing; any other is forged without the key.
            if keyed_seen or (unkeyed_allowed is not None and position > unkeyed_allowed):
                return ChainCheck(False, checked, pk, "entrada sin clave HMAC que ningún punto de control reconoce",
                                  checkpoint)
            if unkeyed_seen is not None:
                unkeyed_seen[0] = position
            key = None
        else:
            keyed_seen = True
            if key_id not in keys:
                keys[key_id] = key_by_id(key_id)
            key = keys[key_id]
            if key is None:
                return ChainCheck(False, checked, pk, f"clave HMAC desconocida ({key_id})", checkpoint)
        entry = canonical(
            created_at=created_at, actor_id=actor_id, actor_repr=actor_repr, kind=kind,
            action=action, object_type=object_type, object_id=object_id, person_id=person_id,
            purpose=purpose, details=details,
        )
        if chain_hash(entry, prev_hash, key) != stored_hash:
            return ChainCheck(False, checked, pk, "el contenido no corresponde a su hash", checkpoint)
        prev = stored_hash
        checked += 1
        if checkpoint is not None and position == checkpoint.count and (
            pk != checkpoint.last_id or stored_hash != checkpoint.head
        ):
            return ChainCheck(False, checked, pk, f"la cadena no contiene la entrada del punto de control del "
                              f"{checkpoint.written_at} (id={checkpoint.last_id}): fue reescrita", checkpoint)
    return ChainCheck(True, checked, checkpoint=checkpoint)


def person_access_log(*, person_id: int) -> QuerySet[AuditEntry]:
    """Every read of a person's data: when, by whom, for what purpose (newest first)."""
    return (
        AuditEntry.objects.filter(person_id=person_id, kind=AuditEntry.Kind.READ)
        .order_by("-created_at", "-id")
        .only("created_at", "actor_repr", "action", "purpose", "object_type")
    )


@dataclass(frozen=True)
class AccessLine:
    """One read of a person's data in words: who looked, at what, and why (no internal codes)."""

    when: dt.datetime
    who: str
    what: str
    why: str

    @property
    def sentence(self) -> str:
        return _("%(who)s %(what)s, para: %(why)s") % {"who": self.who, "what": self.what, "why": self.why}


def person_access_lines(*, person_id: int, viewer: Any = None, limit: int = 500) -> list[AccessLine]:
    """The person's access log as sentences in the active language; `viewer` (the person's user) reads
    their own reads as "Usted"."""
    entries = list(person_access_log(person_id=person_id).only(
        "created_at", "actor_id", "actor_repr", "action", "purpose")[:limit])
    actor_ids = {e.actor_id for e in entries if e.actor_id is not None}
    users = (get_user_model().objects.filter(pk__in=actor_ids).select_related("office").prefetch_related("groups")
             .in_bulk() if actor_ids else {})
    viewer_id = getattr(viewer, "pk", None)
    return [
        AccessLine(when=e.created_at, who=_who(e, users, viewer_id),
                   what=str(audit_action_label(e.action) or _("consultó sus datos")), why=purpose_label(e.purpose))
        for e in entries
    ]


def _who(entry: AuditEntry, users: dict, viewer_id: Any) -> str:
    """The kind of actor, never their username: the person, staff of a sede, a device, an institution, the system."""
    if entry.actor_id is not None:
        if entry.actor_id == viewer_id:
            return _("Usted")
        user = users.get(entry.actor_id)
        roles = frozenset(g.name for g in user.groups.all()) if user is not None else frozenset()
        office = user.office.name if user is not None and user.office_id else ""
        if "supervisor" in roles:
            return _("Un supervisor de MIGRACIONES (%(sede)s)") % {"sede": office} if office \
                else _("Un supervisor de MIGRACIONES")
        if "officer" in roles:
            return _("Un servidor de MIGRACIONES (%(sede)s)") % {"sede": office} if office \
                else _("Un servidor de MIGRACIONES")
        if "device" in roles:
            return _("Una puerta electrónica o un equipo de control de MIGRACIONES")
        if "institution" in roles:
            return _("Una institución asociada (%(name)s)") % {"name": user.get_full_name() or user.get_username()}
        return _("Otra persona con cuenta en el portal")
    name = entry.actor_repr
    if name.startswith("device:"):
        return _("Una puerta electrónica o un equipo de control de MIGRACIONES")
    if name == "anónimo":
        return _("Alguien sin cuenta en el portal")
    if name == SYSTEM_NAME or name.startswith(("sistema:", "system:")):
        return _("El sistema de MIGRACIONES (una tarea automática)")
    return _("Una verificación automática de MIGRACIONES")
