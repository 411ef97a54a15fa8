"""Writes for e-gates: idempotent verification requests, heartbeats and officers signed in on tablets."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from cuentas.models import DeviceCredential
from core.errors import Conflict, PermissionDenied, Unprocessable, ValidationFailed

from .audit_actions import AuditAction
from .models import GateStatus, IdempotencyRecord, OfficerSession

IDEMPOTENCY_TTL = dt.timedelta(hours=24)
# A key still "in progress" after this long belongs to a request that died (a decision takes a few
# seconds at most, and a committed one has its answer stored with it).
IDEMPOTENCY_STALE = dt.timedelta(seconds=60)
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
    if first.status_code is None and first.created_at < timezone.now() - IDEMPOTENCY_STALE:
        # The first attempt died before its decision committed (its answer is stored in the same
        # transaction as the decision): this retry takes the key over and decides.
        taken = IdempotencyRecord.objects.filter(pk=first.pk, status_code__isnull=True,
                                                 created_at=first.created_at).update(created_at=timezone.now())
        if taken:
            first.refresh_from_db()
            return first, None
    if first.status_code is None:
        raise Conflict(_("La solicitud original aún está en proceso; reintente en un momento."),
                       fields={"Idempotency-Key": _("En proceso.")})
    return None, Replay(first.status_code, first.response or {})


def idempotency_finish(*, record: IdempotencyRecord, status_code: int, body: dict[str, Any]) -> None:
    """Store the answer; called inside the decision's own transaction, so both commit or neither."""
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
        audit_record(actor=f"device:{device.key_id}", action=AuditAction.STATE_CHANGE, obj=status,
                     details={"from": previous, "to": state, "message": status.message})
    return status


OFFICER_SESSION_TTL = dt.timedelta(hours=8)
OFFICER_ROLES = ("officer", "supervisor")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def officer_session_start(*, device: DeviceCredential, request: Any, username: str, password: str,
                          otp: str) -> tuple[OfficerSession, str]:
    """An officer signs in on a control tablet with password and TOTP; returns (session, token).

    The officer must work at the tablet's crossing point. Signing in ends the officer's session on
    any other tablet and any other officer's session on this one.
    """
    import secrets

    from django.contrib.auth import authenticate
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from control.selectors import officer_crossing_point

    refused = PermissionDenied(_("Usuario, contraseña o código incorrectos."),
                               fields={"officer": _("Credenciales de oficial inválidas.")})
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active or not (user.role_names & set(OFFICER_ROLES)):
        raise refused
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is None or not totp.verify_token(otp):
        raise refused
    point = officer_crossing_point(user=user)
    if point is None or point.code != device.crossing_point:
        raise PermissionDenied(_("El oficial no está asignado al puesto de control de esta tableta."),
                               fields={"officer": _("Puesto distinto al de la tableta.")})
    # (Not one transaction with the checks above: failed attempts, recorded by django-axes and the
    # TOTP device's throttle, must stay recorded when the sign-in is refused.)
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        OfficerSession.objects.filter(ended_at__isnull=True).filter(
            models.Q(user=user) | models.Q(device=device)).update(ended_at=now)
        session = OfficerSession.objects.create(device=device, user=user, token_sha256=_token_digest(token),
                                                expires_at=now + OFFICER_SESSION_TTL)
        audit_record(actor=user, action=AuditAction.OFFICER_SESSION_START, obj=session,
                     details={"device": device.key_id, "crossing_point": device.crossing_point})
    return session, token


def officer_session_user(*, device: DeviceCredential, token: str | None):
    """The officer signed in on this tablet with this token, or None (unknown, ended or expired)."""
    if not token or len(token) > 200:
        return None
    session = (OfficerSession.objects.select_related("user")
               .filter(device=device, token_sha256=_token_digest(token), ended_at__isnull=True,
                       expires_at__gt=timezone.now()).first())
    if session is None or not session.user.is_active:
        return None
    return session.user


@transaction.atomic
def officer_session_end(*, device: DeviceCredential, token: str | None) -> bool:
    if not token:
        return False
    session = OfficerSession.objects.select_for_update().filter(
        device=device, token_sha256=_token_digest(token), ended_at__isnull=True).first()
    if session is None:
        return False
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])
    audit_record(actor=session.user, action=AuditAction.OFFICER_SESSION_END, obj=session,
                 details={"device": device.key_id})
    return True
