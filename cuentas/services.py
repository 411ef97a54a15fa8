"""Writes for accounts: roles, citizen and foreigner sign-up, staff creation, e-mail verification."""
import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from integraciones.errors import IntegrationError, NotFound as RemoteNotFound, ServiceUnavailable
from integraciones.reniec import get_client as reniec_client
from migraciones.errors import ExternalServiceUnavailable, ValidationFailed

from . import roles
from .models import Office

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
    audit_record(actor=actor, action="cuentas.role_add", obj=user, details={"role": role})


def _password_check(password: str, user=None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(_("La contraseña no es segura"), fields={"password": " ".join(exc.messages)})


@transaction.atomic
def citizen_signup(*, dni: str, verification_digit: str, issue_date: dt.date, email: str, password: str):
    """Create a citizen account once RENIEC confirms the DNI, its check digit and issue date.

    Nothing is written unless every check passes; a RENIEC outage raises
    ExternalServiceUnavailable so the page can ask the citizen to retry.
    """
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
    )
    _password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_add(user=user, role=roles.CITIZEN, actor=user)
    audit_record(actor=user, action="cuentas.citizen_signup", obj=user, details={"reniec": "verificado"})
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
):
    """Create an inactive foreigner account and e-mail a link that verifies the address."""
    document_number = document_number.strip().upper()
    nationality = nationality.strip().upper()
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
    )
    _password_check(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_add(user=user, role=roles.FOREIGNER, actor=user)
    audit_record(actor=user, action="cuentas.foreigner_signup", obj=user)
    token = signing.dumps({"uid": user.pk, "email": user.email}, salt=EMAIL_VERIFY_SALT)
    link = verify_url_base.rstrip("/") + reverse("cuentas:verify_email", args=[token])
    transaction.on_commit(
        lambda: send_mail(
            subject="MIGRACIONES: confirme su correo / confirm your e-mail",
            message=(
                f"Hola {user.first_name}:\n\nPara activar su cuenta abra este enlace (vale 3 días):\n{link}\n\n"
                f"To activate your account open the link above (valid for 3 days).\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    )
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
        audit_record(actor=user, action="cuentas.email_verified", obj=user)
    return user


@transaction.atomic
def staff_user_create(*, username: str, password: str, role: str, office: Office | None, first_name: str = "",
                      last_name: str = "", email: str = "", actor=None):
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, office=office,
                is_staff=role in roles.STAFF_ROLES, email_verified=bool(email))
    user.set_password(password)
    user.full_clean()
    user.save()
    user_role_add(user=user, role=role, actor=actor)
    audit_record(actor=actor, action="cuentas.staff_create", obj=user, details={"role": role})
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
    audit_record(actor=actor, action="cuentas.device_register", obj=credential,
                 details={"key_id": key_id, "crossing_point": crossing_point, "kind": kind})
    return credential, secret
