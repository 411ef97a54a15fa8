"""Writes for accounts: roles, citizen and foreigner sign-up, staff creation, e-mail verification."""
import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from auditoria.services import actor_repr, audit_record
from integraciones.errors import IntegrationError, NotFound as RemoteNotFound, ServiceUnavailable
from integraciones.reniec import get_client as reniec_client
from core.errors import ExternalServiceUnavailable, PermissionDenied, ValidationFailed
from mrtd.countries import NATIONALITY_CODES

from . import roles
from .audit_actions import AuditAction
from .mail import language_of, mail_build
from .models import Office, OtpActivation

User = get_user_model()
EMAIL_VERIFY_SALT = "cuentas.email-verify"
EMAIL_VERIFY_MAX_AGE = 3 * 24 * 3600


def roles_ensure() -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    for name in roles.ALL_ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for label in roles.ROLE_PERMISSIONS.get(name, ()):
            app_label, codename = label.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                wanted.append(perm)
        if wanted:
            group.permissions.add(*wanted)


def user_role_add(*, user, role: str, actor=None) -> None:
    if role not in roles.ALL_ROLES:
        raise ValidationFailed(_("Rol desconocido"), fields={"role": role})
    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    user.__dict__.pop("_role_names", None)
    audit_record(actor=actor, action=AuditAction.ROLE_ADD, obj=user, details={"role": role})


def _password_check(password: str, user=None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("La contraseña no es segura"), fields={"password": " ".join(exc.messages)})


def _consent_required(personal_data_consent: bool) -> None:
    """Sign-up collects personal data only with the notice of Ley 29733 accepted (its time is kept)."""
    if personal_data_consent is not True:
        message = _("Para crear la cuenta debe aceptar el aviso de datos personales.")
        raise ValidationFailed(message, fields={"personal_data_consent": message})


@transaction.atomic
def citizen_signup(*, dni: str, verification_digit: str, issue_date: dt.date, email: str, password: str,
                   personal_data_consent: bool, language: str = "es"):
    """Create a citizen account once RENIEC confirms the DNI, its check digit and issue date.

    Nothing is written unless every check passes; a RENIEC outage raises
    ExternalServiceUnavailable so the page can ask the citizen to retry.
    """
    _consent_required(personal_data_consent)
    dni = (dni or "").strip()
    if not (len(dni) == 8 and dni.isdigit()):
        raise ValidationFailed(_("El DNI tiene 8 dígitos"), fields={"dni": _("El DNI tiene 8 dígitos")})
    if User.objects.filter(dni=dni).exists():
        raise ValidationFailed(_("Ya existe una cuenta con este DNI"), fields={"dni": _("Ya existe una cuenta con este DNI")})
    client = reniec_client()
    try:
        check = client.verify(dni, str(verification_digit).strip().upper(), issue_date)
        if not check.valid:
            fields = {k: str(v) for k, v in check.field_errors.items()}
            raise ValidationFailed(_("Los datos del DNI no coinciden con RENIEC"), fields=fields)
        citizen = client.lookup(dni)
    except RemoteNotFound:
        raise ValidationFailed(_("RENIEC no registra este DNI"), fields={"dni": _("RENIEC no registra este DNI")})
    except ServiceUnavailable:
        raise ExternalServiceUnavailable(_("RENIEC no responde en este momento. Inténtelo de nuevo en unos minutos."))
    except IntegrationError:
        raise ExternalServiceUnavailable(_("RENIEC respondió de forma inesperada. Inténtelo de nuevo en unos minutos."))
    user = User(
        username=dni,
        dni=dni,
        email=email,
        first_name=citizen.given_names[:150],
        last_name=" ".join(p for p in (citizen.first_surname, citizen.second_surname) if p)[:150],
        document_type=User.DocumentType.DNI,
        document_number=dni,
        nationality="PER",
        birth_date=citizen.birth_date,
        personal_data_consent_at=timezone.now(),
        language=language_of(None, language),
    )
    _password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_add(user=user, role=roles.CITIZEN, actor=user)
    audit_record(actor=user, action=AuditAction.CITIZEN_SIGNUP, obj=user, details={"reniec": "verificado"})
    return user


@transaction.atomic
def foreigner_signup(
    *,
    document_type: str,
    document_number: str,
    nationality: str,
    birth_date: dt.date,
    given_names: str,
    surnames: str,
    email: str,
    password: str,
    verify_url_base: str,
    personal_data_consent: bool,
    language: str = "es",
):
    """Create an inactive foreigner account and e-mail a link that verifies the address."""
    _consent_required(personal_data_consent)
    document_number = document_number.strip().upper()
    nationality = nationality.strip().upper()
    if nationality not in NATIONALITY_CODES:
        raise ValidationFailed(_("Nacionalidad no válida"), fields={"nationality": _("Elija su nacionalidad de la lista")})
    if birth_date > timezone.localdate():
        raise ValidationFailed(_("Fecha de nacimiento no válida"),
                               fields={"birth_date": _("La fecha de nacimiento no puede ser futura")})
    if document_type not in (User.DocumentType.PASSPORT, User.DocumentType.CARNE):
        raise ValidationFailed(_("Tipo de documento no válido"), fields={"document_type": _("Elija pasaporte o carné")})
    if not document_number.isalnum():
        raise ValidationFailed(_("Número de documento no válido"), fields={"document_number": _("Solo letras y números")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(_("Ya existe una cuenta con este correo"), fields={"email": _("Ya existe una cuenta con este correo")})
    if User.objects.filter(document_type=document_type, nationality=nationality, document_number=document_number).exists():
        raise ValidationFailed(_("Ya existe una cuenta con este documento"), fields={"document_number": _("Ya registrado")})
    user = User(
        username=email.lower(),
        email=email.lower(),
        first_name=given_names.strip()[:150],
        last_name=surnames.strip()[:150],
        document_type=document_type,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth_date,
        is_active=False,
        personal_data_consent_at=timezone.now(),
        language=language_of(None, language),
    )
    _password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_add(user=user, role=roles.FOREIGNER, actor=user)
    audit_record(actor=user, action=AuditAction.FOREIGNER_SIGNUP, obj=user)
    token = signing.dumps({"uid": user.pk, "email": user.email}, salt=EMAIL_VERIFY_SALT)
    link = verify_url_base.rstrip("/") + reverse("cuentas:verify_email", args=[token])
    message = mail_build(to=[user.email], language=user.language, template="cuentas/email_verify",
                         subject=lambda: _("MIGRACIONES: confirme su correo"),
                         context={"name": user.first_name, "link": link})
    transaction.on_commit(message.send)
    return user


@transaction.atomic
def foreigner_email_verify(*, token: str):
    try:
        data = signing.loads(token, salt=EMAIL_VERIFY_SALT, max_age=EMAIL_VERIFY_MAX_AGE)
    except signing.BadSignature:
        raise ValidationFailed(_("El enlace no es válido o ha vencido"), fields={"token": _("Enlace inválido o vencido")})
    user = User.objects.select_for_update().filter(pk=data.get("uid"), email=data.get("email")).first()
    if user is None:
        raise ValidationFailed(_("El enlace no es válido o ha vencido"), fields={"token": _("Enlace inválido o vencido")})
    if not user.email_verified:
        user.email_verified = True
        user.is_active = True
        user.save(update_fields=["email_verified", "is_active"])
        audit_record(actor=user, action=AuditAction.EMAIL_VERIFIED, obj=user)
    return user


@transaction.atomic
def staff_user_create(*, username: str, password: str, role: str, office: Office | None, first_name: str = "",
                      last_name: str = "", email: str = "", actor=None, password_change_required: bool = True):
    """A staff sign-in. Its first password was chosen by someone else, so the first sign-in changes it."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, office=office,
                is_staff=role in roles.STAFF_ROLES, email_verified=bool(email),
                password_change_required=password_change_required and role in roles.STAFF_ROLES)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_add(user=user, role=role, actor=actor)
    audit_record(actor=actor, action=AuditAction.STAFF_CREATE, obj=user, details={"role": role})
    return user


@transaction.atomic
def device_register(*, key_id: str, crossing_point: str = "", office: Office | None = None, kind: str = "EGATE",
                    secret: str | None = None, actor=None):
    """Register a device: a device-role user and its signing credential. Returns (credential, secret)."""
    import secrets as _secrets

    from .models import DeviceCredential

    secret = secret or _secrets.token_hex(32)
    user = User(username=f"device-{key_id}", is_active=True)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user_role_add(user=user, role=roles.DEVICE, actor=actor)
    credential = DeviceCredential(user=user, key_id=key_id, secret=secret, crossing_point=crossing_point,
                                  office=office, kind=kind)
    credential.full_clean()
    credential.save()
    audit_record(actor=actor, action=AuditAction.DEVICE_REGISTER, obj=credential,
                 details={"key_id": key_id, "crossing_point": crossing_point, "kind": kind})
    return credential, secret


# --- officers' second factor: enrolled with a one-time code a supervisor issues ---------------------

OTP_ACTIVATION_TTL = dt.timedelta(hours=24)
_ACTIVATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
_ACTIVATION_LENGTH = 12


def _activation_hash(code: str) -> str:
    normalized = "".join(c for c in code.upper() if c.isalnum())
    return salted_hmac("cuentas.otp-activation", normalized, algorithm="sha256").hexdigest()


@transaction.atomic
def otp_activation_issue(*, user, actor, ttl: dt.timedelta = OTP_ACTIVATION_TTL) -> str:
    """A one-time activation code for `user`'s authenticator; returns the code, which is not stored.

    `actor` is a supervisor of the same sede (the page) or a string naming an operator (the
    management command). An earlier unused code of the same user stops working.
    """
    import secrets as _secrets

    if not user.is_active or not user.is_staff_role:
        raise ValidationFailed(_("Solo el personal activo usa un segundo factor"), fields={"user": user.username})
    if not isinstance(actor, str):
        if (actor is None or not actor.has_role(roles.SUPERVISOR) or actor.pk == user.pk
                or actor.office_id is None or actor.office_id != user.office_id):
            raise PermissionDenied(_("Solo un supervisor de la misma sede emite códigos de activación"))
    now = timezone.now()
    OtpActivation.objects.filter(user=user, used_at__isnull=True).delete()
    code = "".join(_secrets.choice(_ACTIVATION_ALPHABET) for _ in range(_ACTIVATION_LENGTH))
    OtpActivation.objects.create(user=user, code_hash=_activation_hash(code), expires_at=now + ttl,
                                 issued_by=None if isinstance(actor, str) else actor,
                                 issued_by_repr=actor_repr(actor))
    audit_record(actor=actor, action=AuditAction.OTP_ACTIVATION_ISSUE, obj=user,
                 details={"expires_at": (now + ttl).isoformat()})
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def otp_activation_redeem(*, user, code: str):
    """Spend an activation code: `user` gets a new, unconfirmed TOTP device (any earlier one is removed).

    The device is confirmed by its first correct token (`otp_device_confirm`).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    activation = (OtpActivation.objects.select_for_update()
                  .filter(user=user, code_hash=_activation_hash(code or ""), used_at__isnull=True,
                          expires_at__gt=timezone.now()).first())
    if activation is None:
        audit_record(actor=user, action=AuditAction.OTP_ACTIVATION_REFUSED, kind="auth", obj=user)
        raise ValidationFailed(_("El código de activación no es válido, ya fue usado o venció"),
                               fields={"activation_code": _("Código no válido o vencido")})
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    audit_record(actor=user, action=AuditAction.OTP_ACTIVATION_REDEEM, kind="auth", obj=user,
                 details={"issued_by": activation.issued_by_repr})
    return device


@transaction.atomic
def otp_device_confirm(*, user, device, token: str) -> bool:
    """Confirm the device a redeemed code created, when `token` is its current code."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action=AuditAction.OTP_ENROLLED, kind="auth", obj=user)
    return True


@transaction.atomic
def user_password_change(*, user, password: str, actor) -> None:
    """Set a new password chosen by the user; clears the change required at first sign-in."""
    if user.check_password(password):
        raise ValidationFailed(_("La nueva contraseña debe ser distinta de la anterior"),
                               fields={"new_password1": _("Elija una contraseña distinta de la anterior")})
    _password_check(password, user)
    user.set_password(password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    audit_record(actor=actor, action=AuditAction.PASSWORD_CHANGE, kind="auth", obj=user)
