"""Users of the portal (one model for every role) and MIGRACIONES offices (sedes)."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


class Office(models.Model):
    """A sede of MIGRACIONES: where officers work and citizens have their appointments."""

    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=120)
    address = models.CharField(_("dirección"), max_length=200)
    city = models.CharField(_("ciudad"), max_length=80)
    opens_at = models.TimeField(_("abre"), default="08:00")
    closes_at = models.TimeField(_("cierra"), default="17:00")
    counters = models.PositiveSmallIntegerField(_("ventanillas"), default=4)
    slot_minutes = models.PositiveSmallIntegerField(_("minutos por turno"), default=20)
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sede")
        verbose_name_plural = _("sedes")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A sign-in. Citizens sign in with their DNI, foreigners with their e-mail."""

    class DocumentType(models.TextChoices):
        DNI = "DNI", _("DNI")
        PASSPORT = "PASAPORTE", _("Pasaporte")
        CARNE = "CE", _("Carné de extranjería")

    dni = models.CharField(_("DNI"), max_length=8, unique=True, null=True, blank=True)
    document_type = models.CharField(_("tipo de documento"), max_length=10, choices=DocumentType.choices, blank=True)
    document_number = models.CharField(_("número de documento"), max_length=20, blank=True)
    nationality = models.CharField(_("nacionalidad"), max_length=3, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    email_verified = models.BooleanField(_("correo verificado"), default=False)
    office = models.ForeignKey(
        Office, verbose_name=_("sede"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # When the person accepted the personal-data notice (Ley 29733) at sign-up; empty for accounts
    # made before it was asked for, and for staff created by an administrator.
    personal_data_consent_at = models.DateTimeField(_("aceptó el aviso de datos personales"), null=True, blank=True)
    # Staff accounts start with a password someone else chose: the first sign-in replaces it.
    password_change_required = models.BooleanField(_("debe cambiar la contraseña"), default=False)
    # The language the person reads the portal in: their e-mails are written in it (cuentas.mail).
    language = models.CharField(_("idioma"), max_length=5, choices=[("es", "Español"), ("en", "English")],
                                default="es")

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "nationality", "document_number"],
                condition=~models.Q(document_number=""),
                name="unique_user_travel_document",
            )
        ]

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def role_names(self) -> frozenset[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
            self._role_names = cached
        return cached

    @property
    def is_staff_role(self) -> bool:
        return bool(self.role_names & roles.STAFF_ROLES)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class DeviceCredential(models.Model):
    """The key id and secret with which an e-gate, kiosk or tablet signs its requests."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="device_credential")
    key_id = models.CharField(_("identificador de clave"), max_length=64, unique=True)
    # The HMAC secret must be readable by the server to check signatures, so it is sealed (AES-GCM
    # under DEVICE_SECRET_KEYS, bound to key_id) rather than hashed; `secret` opens it.
    sealed_secret = models.TextField(_("secreto cifrado"), editable=False)
    crossing_point = models.CharField(_("puesto de control"), max_length=20, blank=True)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(_("tipo"), max_length=20, default="EGATE")
    active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credencial de dispositivo")
        verbose_name_plural = _("credenciales de dispositivos")

    def __str__(self) -> str:
        return self.key_id

    @property
    def secret(self) -> str:
        from .sealing import unseal_secret

        return unseal_secret(self.sealed_secret, device_key_id=self.key_id)

    @secret.setter
    def secret(self, value: str) -> None:
        from .sealing import seal_secret

        if not self.key_id:
            raise ValueError("set key_id before the secret: the sealed secret is bound to it")
        self.sealed_secret = seal_secret(value, device_key_id=self.key_id)


class OtpActivation(models.Model):
    """A one-time code, issued by a supervisor of the officer's sede, that lets the officer enroll
    an authenticator. Only its keyed hash is stored; it expires and serves once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_activations")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_by_repr = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("código de activación del segundo factor")
        verbose_name_plural = _("códigos de activación del segundo factor")


class DeviceNonce(models.Model):
    """Nonces already used by a device: a replayed request is refused by the unique constraint."""

    key_id = models.CharField(max_length=64)
    nonce = models.CharField(max_length=128)
    seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key_id", "nonce"], name="unique_device_nonce")]
