"""E-gate records: each device's last reported state, and the idempotency keys of its requests."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GateStatus(models.Model):
    """The last heartbeat of a gate or tablet."""

    class State(models.TextChoices):
        OK = "OK", _("operativa")
        DEGRADED = "DEGRADED", _("degradada")
        FAULT = "FAULT", _("en falla")
        MAINTENANCE = "MAINTENANCE", _("en mantenimiento")

    device = models.OneToOneField("cuentas.DeviceCredential", on_delete=models.CASCADE, related_name="gate_status")
    state = models.CharField(_("estado"), max_length=11, choices=State.choices)
    components = models.JSONField(_("componentes"), default=dict, blank=True)
    software_version = models.CharField(_("versión de software"), max_length=40, blank=True)
    message = models.CharField(_("mensaje"), max_length=200, blank=True)
    reported_at = models.DateTimeField(_("último latido"))

    class Meta:
        verbose_name = _("estado de puerta electrónica")
        verbose_name_plural = _("estados de puertas electrónicas")


class IdempotencyRecord(models.Model):
    """The first answer to a device request carrying an Idempotency-Key: a retry gets it again."""

    device_key = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # None while in progress
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device_key", "key"], name="egates_idempotency_unique")]


class OfficerSession(models.Model):
    """An officer signed in on a control tablet: the tablet's decisions are made in their name.

    The token is handed to the tablet once and kept here only as its SHA-256; a session ends at
    sign-out, after its lifetime, or when the officer signs in on another tablet.
    """

    device = models.ForeignKey("cuentas.DeviceCredential", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sesión de oficial en tableta")
        verbose_name_plural = _("sesiones de oficiales en tabletas")
        indexes = [models.Index(fields=["device", "ended_at"], name="egates_officer_session_idx")]


class ChipChallenge(models.Model):
    """A one-time challenge for the chip's Active Authentication, issued to one device for 60 seconds.

    Proving that the chip holds the private key of its DG15 tells a genuine chip from a copy of its
    data; a challenge used twice, expired or issued to another device proves nothing.
    """

    device = models.ForeignKey("cuentas.DeviceCredential", on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=16, unique=True)  # 8 random bytes, hex
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("desafío de autenticación activa")
        verbose_name_plural = _("desafíos de autenticación activa")
        indexes = [models.Index(fields=["expires_at"], name="egates_challenge_expiry_idx")]
