"""E-passport records: applications with their timeline, passports (fees and payments are the pagos rail's,
sede turns and citas the citas rail's)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import notes


class Application(models.Model):
    """A passport application (trámite de pasaporte) with declared states; events are its timeline."""

    class Status(models.TextChoices):
        PAID = "PAID", _("Pagado")
        BOOKED = "BOOKED", _("Cita reservada")
        VALIDATION_PENDING = "VALIDATION_PENDING", _("Validación pendiente")
        OBSERVED = "OBSERVED", _("Observado: revisión por un servidor")
        VALIDATED = "VALIDATED", _("Validado")
        ENROLLED = "ENROLLED", _("Datos biométricos registrados")
        PERSONALIZING = "PERSONALIZING", _("En personalización")
        READY = "READY", _("Listo para entrega")
        DELIVERED = "DELIVERED", _("Entregado")
        REJECTED = "REJECTED", _("Rechazado")
        CANCELLED = "CANCELLED", _("Anulado")
        EXPIRED = "EXPIRED", _("Vencido sin recoger")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="passport_applications")
    dni = models.CharField(_("DNI"), max_length=8, db_index=True)
    # The payment that opened it, on the payments rail (purpose "pasaporte.solicitud").
    payment = models.OneToOneField("pagos.Payment", on_delete=models.PROTECT, related_name="passport_application")
    office = models.ForeignKey("cuentas.Office", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.PAID)
    status_reason = models.CharField(_("motivo"), max_length=300, blank=True)
    # The reason as msgids and parameters (pasaporte.notes), to show it in the reader's language.
    status_reason_parts = models.JSONField(default=list, blank=True)
    person_id = models.BigIntegerField(_("persona (RIM)"), null=True, blank=True)
    # Face, fingers and signature live in biometria (encrypted, audited reads); this is the link.
    biometric_enrollment = models.OneToOneField(
        "biometria.Enrollment", verbose_name=_("enrolamiento biométrico"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    previous_passport = models.CharField(_("pasaporte anterior"), max_length=20, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("solicitud de pasaporte")
        verbose_name_plural = _("solicitudes de pasaporte")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "office"], name="pasaporte_app_status_office")]
        constraints = [
            # One application in progress per person: a second payment cannot open another.
            models.UniqueConstraint(
                fields=["dni"], condition=~Q(status__in=["DELIVERED", "REJECTED", "CANCELLED", "EXPIRED"]),
                name="pasaporte_one_open_application",
            ),
        ]

    def __str__(self) -> str:
        return f"Solicitud {self.pk} ({self.dni})"

    @property
    def status_text(self) -> str:
        """The status reason in the reader's language (as stored, for rows written before its parts)."""
        return notes.render(self.status_reason_parts) if self.status_reason_parts else self.status_reason


class ApplicationEvent(models.Model):
    """One transition of an application, or one step around it (`step`: a cita moved or cancelled, a
    passport reported lost): what the citizen sees as their timeline."""

    class Step(models.TextChoices):
        APPOINTMENT_BOOKED = "APPOINTMENT_BOOKED", _("Cita reservada")
        APPOINTMENT_RESCHEDULED = "APPOINTMENT_RESCHEDULED", _("Cita reprogramada")
        APPOINTMENT_CANCELLED = "APPOINTMENT_CANCELLED", _("Cita anulada")
        PASSPORT_LOST = "PASSPORT_LOST", _("Pasaporte anulado por pérdida")
        PASSPORT_STOLEN = "PASSPORT_STOLEN", _("Pasaporte anulado por robo")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    # Empty for a transition; a step leaves the status as it was (from_status == to_status).
    step = models.CharField(_("paso"), max_length=30, choices=Step.choices, blank=True, default="")
    note = models.CharField(_("detalle"), max_length=300, blank=True)
    # The note as msgids and parameters (pasaporte.notes); empty on rows written before, which show `note`.
    note_parts = models.JSONField(default=list, blank=True)
    actor_repr = models.CharField(_("actor"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the citizen was e-mailed about this step: a task run twice (outbox sweep) sends once.
    notified_at = models.DateTimeField(_("notificado"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def label(self) -> str:
        return self.get_step_display() if self.step else self.get_to_status_display()

    @property
    def note_text(self) -> str:
        """The note in the reader's language (as stored, for rows written before its parts were kept)."""
        return notes.render(self.note_parts) if self.note_parts else self.note


class CheckResult(models.Model):
    """The answer of one source during validation, kept with its time and source."""

    class Source(models.TextChoices):
        RENIEC = "RENIEC", "RENIEC"
        PNP = "PNP", "PNP"
        INTERPOL = "INTERPOL", "Interpol SLTD"
        PAYMENT = "PAYMENT", _("pago")
        BIOMETRIC_1_1 = "BIO_1_1", _("biometría 1:1 con RENIEC")
        BIOMETRIC_1_N = "BIO_1_N", _("biometría 1:N")
        QUALITY = "QC", _("control de calidad del chip")

    class Outcome(models.TextChoices):
        CLEAR = "CLEAR", _("conforme")
        HIT = "HIT", _("con observación")
        UNAVAILABLE = "UNAVAILABLE", _("sin respuesta")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    source = models.CharField(max_length=10, choices=Source.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    detail = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checked_at", "id"]


class PassportNumberCounter(models.Model):
    """One locked row hands out passport numbers: no duplicates, no number handed out twice."""

    name = models.CharField(max_length=20, unique=True)
    next_value = models.BigIntegerField()


class Passport(models.Model):
    """The personalized booklet: its number, MRZ, chip image (LDS files) and quality control."""

    class Status(models.TextChoices):
        PERSONALIZED = "PERSONALIZED", _("personalizado")
        DELIVERED = "DELIVERED", _("entregado")
        CANCELLED = "CANCELLED", _("cancelado")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="passport")
    number = models.CharField(_("número de pasaporte"), max_length=9, unique=True)
    mrz = models.CharField(max_length=89, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    # The LDS files as written to the chip (a zip): kept in the database so every worker sees them.
    chip_image = models.BinaryField(blank=True, default=b"")
    qc = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PERSONALIZED)
    rim_document_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
