"""Enrollment stations: the only devices that may enroll, each bound to a sede and acting for an officer.

A station's signed request alone proves which machine sent it, not who is at the counter. So every
enrollment also carries an officer token: a short-lived value signed by the server (Django's signing
with its own salt), issued on the officer's authenticated page to one station of their own sede.
At use the server checks the signature and age, that it names this station, and, again, that the
officer is active, still holds an officer role and still works at the station's sede.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.translation import gettext as _

from cuentas import roles
from core.errors import PermissionDenied

ENROLLMENT_KIND = "ENROLLMENT"
TOKEN_SALT = "biometria.station-officer"
DEFAULT_TOKEN_TTL_S = 15 * 60
ENROLLING_ROLES = frozenset({roles.OFFICER, roles.SUPERVISOR})


def token_ttl_s() -> int:
    return int(getattr(settings, "BIOMETRIA_OFFICER_TOKEN_TTL_S", DEFAULT_TOKEN_TTL_S))


def is_enrollment_station(device: Any) -> bool:
    return getattr(device, "kind", "") == ENROLLMENT_KIND and getattr(device, "office_id", None) is not None


def sign_officer_token(*, officer_id: int, device_key_id: str) -> str:
    return signing.dumps({"u": officer_id, "d": device_key_id}, salt=TOKEN_SALT)


def station_officer(*, device: Any, token: str):
    """The officer an enrollment station acts for; PermissionDenied (403) naming the field otherwise."""
    if not is_enrollment_station(device):
        raise PermissionDenied(_("Solo una estación de enrolamiento de una sede puede enrolar."),
                               fields={"device": _("no es una estación de enrolamiento")})
    refused = _("El token del servidor no es válido para esta estación.")
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=token_ttl_s())
    except signing.SignatureExpired:
        raise PermissionDenied(refused, fields={"officer_token": _("caducado: el servidor debe emitir otro")})
    except signing.BadSignature:
        raise PermissionDenied(refused, fields={"officer_token": _("firma inválida")})
    if not isinstance(data, dict) or data.get("d") != device.key_id:
        raise PermissionDenied(refused, fields={"officer_token": _("emitido para otra estación")})
    officer = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if officer is None or not officer.role_names & ENROLLING_ROLES:
        raise PermissionDenied(refused, fields={"officer_token": _("el servidor no puede enrolar")})
    if officer.office_id != device.office_id:
        raise PermissionDenied(_("La estación es de otra sede que la del servidor."),
                               fields={"officer_token": _("otra sede")})
    return officer
