"""The electronic mailbox (casilla electrónica, Ley 31736): a person's consent, and the notices deposited in it.

A casilla exists only once its holder accepts it (terms, e-mail, phone); acceptance and revocation
are kept as consent events. A notice is deposited with its time; opening it records the read time;
unopened, it counts as notified on the first business day after BUZON_DEEMED_AFTER_BUSINESS_DAYS.
A person without an active casilla is told by e-mail and the notice stays pending personal
notification until they acknowledge it through the signed link.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Casilla(models.Model):
    """One per person (user): active while accepted_at is set and revoked_at is not."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="casilla")
    person_id = models.BigIntegerField(_("persona (RIM)"), null=True, blank=True, db_index=True)
    email = models.EmailField(_("correo electrónico para alertas"))
    phone = models.CharField(_("teléfono"), max_length=20)
    language = models.CharField(_("idioma de las alertas"), max_length=5, default="es")
    terms_version = models.CharField(_("versión de los términos"), max_length=20)
    accepted_at = models.DateTimeField(_("aceptada"))
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)
    revoked_reason = models.CharField(_("motivo de la revocación"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("casilla electrónica")
        verbose_name_plural = _("casillas electrónicas")

    def __str__(self) -> str:
        return f"casilla {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ConsentEvent(models.Model):
    """Every acceptance and revocation of a casilla, with its time and the terms accepted."""

    class Kind(models.TextChoices):
        ACCEPTED = "ACCEPTED", _("Aceptó la casilla electrónica")
        REVOKED = "REVOKED", _("Revocó la casilla electrónica")

    casilla = models.ForeignKey(Casilla, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(_("evento"), max_length=10, choices=Kind.choices)
    terms_version = models.CharField(_("versión de los términos"), max_length=20, blank=True)
    reason = models.CharField(_("motivo"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consentimiento de casilla")
        verbose_name_plural = _("consentimientos de casilla")


class Notice(models.Model):
    """An act notified to a person: deposited in their casilla, or pending personal notification."""

    class Status(models.TextChoices):
        DEPOSITED = "DEPOSITED", _("Depositada, sin abrir")
        READ = "READ", _("Leída")
        DEEMED = "DEEMED", _("Notificada por vencimiento del plazo de lectura")
        PENDING_PERSONAL = "PENDING_PERSONAL", _("Pendiente de notificación personal")
        ACKNOWLEDGED = "ACKNOWLEDGED", _("Recepción confirmada")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices")
    casilla = models.ForeignKey(Casilla, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    person_id = models.BigIntegerField(_("persona (RIM)"), null=True, blank=True, db_index=True)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices)
    title = models.CharField(_("asunto"), max_length=200)
    body = models.TextField(_("texto"))
    title_en = models.CharField(_("asunto (inglés)"), max_length=200, blank=True)
    body_en = models.TextField(_("texto (inglés)"), blank=True)
    # What it belongs to: a passport application, a case, a fine ("pasaporte.application", id).
    record_kind = models.CharField(_("tipo de registro"), max_length=40)
    record_id = models.CharField(_("id del registro"), max_length=40)
    expediente = models.CharField(_("expediente"), max_length=40, blank=True)
    attachment = models.ForeignKey("documentos.Document", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("documento adjunto"))
    deadline_business_days = models.PositiveSmallIntegerField(_("plazo (días hábiles)"), null=True, blank=True)
    deposited_at = models.DateTimeField(_("depositada"))
    read_at = models.DateTimeField(_("leída"), null=True, blank=True)
    deemed_on = models.DateField(_("notificada por vencimiento"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("recepción confirmada"), null=True, blank=True)
    # The alert (casilla) or the personal notification e-mail (no casilla); the beat retries it.
    alert_sent_at = models.DateTimeField(_("aviso enviado"), null=True, blank=True)
    alert_attempts = models.PositiveSmallIntegerField(_("intentos de aviso"), default=0)
    # The acknowledgement link's single-use secret (cleared when used).
    ack_nonce = models.CharField(max_length=32, blank=True)
    cargo = models.ForeignKey("documentos.Document", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("cargo de notificación"))
    cargo_status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-deposited_at", "-id"]
        verbose_name = _("notificación")
        verbose_name_plural = _("notificaciones")
        indexes = [
            models.Index(fields=["recipient", "status"], name="buzon_notice_recipient_idx"),
            models.Index(fields=["record_kind", "record_id"], name="buzon_notice_record_idx"),
            models.Index(fields=["deposited_at"], name="buzon_notice_unread_idx",
                         condition=Q(status="DEPOSITED")),
            models.Index(fields=["deposited_at"], name="buzon_notice_alert_idx",
                         condition=Q(alert_sent_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(casilla__isnull=False) | Q(status__in=["PENDING_PERSONAL", "ACKNOWLEDGED"]),
                name="buzon_notice_casilla_or_personal"),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk}"

    @property
    def unread(self) -> bool:
        return self.read_at is None and self.acknowledged_at is None
