"""Writes for e-gates: idempotent verification requests and heartbeats."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from cuentas.models import DeviceCredential
from migraciones.errors import Conflict, Unprocessable, ValidationFailed

from .models import GateStatus, IdempotencyRecord

IDEMPOTENCY_TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class Replay:
    """The stored first answer to a retried request."""

    status_code: int
    body: dict[str, Any]


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def idempotency_begin(*, device_key: str, key: str, body: bytes) -> tuple[IdempotencyRecord | None, Replay | None]:
    """Claim `key` for this body: (record to finish, None), or (None, the first answer) on a retry.

    The same key with another body is a 422; a retry while the first request is still running is a 409.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(_("Idempotency-Key inválida."),
                               fields={"Idempotency-Key": _("De 1 a 100 caracteres imprimibles.")})
    digest = body_digest(body)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(device_key=device_key, key=key, request_sha256=digest), None
    except IntegrityError:
        pass
    first = IdempotencyRecord.objects.get(device_key=device_key, key=key)
    if first.request_sha256 != digest:
        raise Unprocessable(_("La Idempotency-Key ya se usó con otro cuerpo."),
                            fields={"Idempotency-Key": _("Use una clave nueva para una solicitud distinta.")})
    if first.status_code is None:
        raise Conflict(_("La solicitud original aún está en proceso; reintente en un momento."),
                       fields={"Idempotency-Key": _("En proceso.")})
    return None, Replay(first.status_code, first.response or {})


def idempotency_finish(*, record: IdempotencyRecord, status_code: int, body: dict[str, Any]) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status_code, response=body)


def idempotency_abandon(*, record: IdempotencyRecord) -> None:
    """An unexpected failure stored nothing: free the key so a retry runs again."""
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def idempotency_purge(*, older_than: dt.timedelta = IDEMPOTENCY_TTL) -> int:
    deleted, _ignored = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


@transaction.atomic
def heartbeat_record(*, device: DeviceCredential, state: str, components: dict[str, str], software_version: str = "",
                     message: str = "") -> GateStatus:
    """Store the device's state; a change of state is audited (the steady beat is not)."""
    if state not in GateStatus.State.values:
        raise ValidationFailed(_("Estado inválido."), fields={"status": ", ".join(GateStatus.State.values)})
    status = GateStatus.objects.select_for_update().filter(device=device).first()
    previous = status.state if status else None
    status = status or GateStatus(device=device)
    status.state, status.components = state, {str(k)[:40]: str(v)[:40] for k, v in components.items()}
    status.software_version, status.message = software_version[:40], message[:200]
    status.reported_at = timezone.now()
    status.full_clean(exclude=["device"])
    status.save()
    if previous != state:
        audit_record(actor=f"device:{device.key_id}", action="egates.state_change", obj=status,
                     details={"from": previous, "to": state, "message": status.message})
    return status
