"""Biometric records: enrollments, their fingers, encrypted blobs, events and duplicate cases."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecureBlob(models.Model):
    """An image or template encrypted with AES-GCM; `key_id` names the key that sealed it."""

    class Kind(models.TextChoices):
        FACE_ENCODING = "FACE_ENCODING", _("codificación facial")
        PORTRAIT = "PORTRAIT", _("retrato (DG2)")
        FINGER_TEMPLATE = "FINGER_TEMPLATE", _("plantilla de huella (ISO 19794-2)")
        FINGER_IMAGE = "FINGER_IMAGE", _("imagen de huella")
        SIGNATURE = "SIGNATURE", _("firma (DG7)")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    key_id = models.CharField(_("id de clave"), max_length=40)
    ciphertext = models.BinaryField(_("cifrado"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dato biométrico cifrado")
        verbose_name_plural = _("datos biométricos cifrados")
        indexes = [models.Index(fields=["key_id"], name="biometria_blob_key_idx")]

    @property
    def aad(self) -> bytes:
        # Binding kind and token stops a ciphertext being moved to another row or kind unnoticed.
        return f"{self.kind}:{self.token}".encode()


class Enrollment(models.Model):
    """One capture session for a person: face, fingers and signature, as issued on a document."""

    class DocumentKind(models.TextChoices):
        PASAPORTE = "PASAPORTE", _("pasaporte electrónico")
        CARNE_EXTRANJERIA = "CARNE_EXTRANJERIA", _("carné de extranjería")
        PTP = "PTP", _("Permiso Temporal de Permanencia")

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("vigente")
        PENDING_REVIEW = "PENDING_REVIEW", _("en revisión por un servidor")
        REJECTED = "REJECTED", _("rechazado (duplicado)")
        SUPERSEDED = "SUPERSEDED", _("reemplazado por un enrolamiento posterior")
        CANCELLED = "CANCELLED", _("anulado")

    # Its transitions are declared in biometria/workflows.py (ENROLLMENT).

    person = models.ForeignKey("rim.Person", verbose_name=_("persona"), on_delete=models.PROTECT,
                               related_name="biometric_enrollments")
    document_kind = models.CharField(_("documento"), max_length=20, choices=DocumentKind.choices)
    status = models.CharField(_("estado"), max_length=16, choices=Status.choices)
    face_encoding = models.OneToOneField(SecureBlob, on_delete=models.PROTECT, related_name="+")
    portrait = models.OneToOneField(SecureBlob, on_delete=models.PROTECT, related_name="+")
    signature = models.OneToOneField(SecureBlob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    face_quality = models.JSONField(_("calidad del rostro"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # The sede where it was captured: officers act only on their own sede's enrollments and cases.
    office = models.ForeignKey("cuentas.Office", verbose_name=_("sede"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    # The enrollment station that sent it, when it came through the device API.
    device_key_id = models.CharField(_("estación de enrolamiento"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("enrolado"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("cambio de estado"), auto_now=True)

    class Meta:
        verbose_name = _("enrolamiento biométrico")
        verbose_name_plural = _("enrolamientos biométricos")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="ACTIVE"),
                                    name="biometria_one_active_enrollment"),
        ]

    def __str__(self) -> str:
        return f"Enrolamiento {self.pk} ({self.get_status_display()})"


class FingerRecord(models.Model):
    """One finger of an enrollment: captured (template, image, NFIQ 2) or missing with its reason."""

    class Status(models.TextChoices):
        CAPTURED = "CAPTURED", _("capturado")
        MISSING = "MISSING", _("no capturado")

    class MissingReason(models.TextChoices):
        AMPUTATED = "AMPUTATED", _("amputación")
        BANDAGED = "BANDAGED", _("vendado o lesionado")
        UNUSABLE = "UNUSABLE", _("crestas no legibles")
        OTHER = "OTHER", _("otro motivo")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="fingers")
    position = models.PositiveSmallIntegerField(_("posición (código ISO)"))
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices)
    missing_reason = models.CharField(_("motivo"), max_length=10, choices=MissingReason.choices, blank=True)
    note = models.CharField(_("observación"), max_length=200, blank=True)
    nfiq2 = models.PositiveSmallIntegerField(_("NFIQ 2"), null=True, blank=True)
    minutiae_count = models.PositiveSmallIntegerField(_("minucias"), null=True, blank=True)
    template = models.OneToOneField(SecureBlob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    image = models.OneToOneField(SecureBlob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("dedo enrolado")
        verbose_name_plural = _("dedos enrolados")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "position"], name="biometria_finger_unique_position"),
            models.CheckConstraint(condition=models.Q(position__gte=0, position__lte=10),
                                   name="biometria_finger_iso_position"),
        ]


class EnrollmentEvent(models.Model):
    """A status transition of an enrollment, with who did it and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor_repr = models.CharField(max_length=200)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class DuplicateCase(models.Model):
    """A new enrollment held for an officer's review: its face matched another identity's (DUPLICATE),
    or the person already had an enrollment in force that it would replace (REPLACEMENT)."""

    class Kind(models.TextChoices):
        DUPLICATE = "DUPLICATE", _("posible duplicado con otra identidad")
        REPLACEMENT = "REPLACEMENT", _("reemplazo del enrolamiento vigente")

    class Status(models.TextChoices):
        OPEN = "OPEN", _("pendiente")
        DIFFERENT_PERSONS = "DIFFERENT_PERSONS", _("personas distintas: enrolamiento aceptado")
        SAME_PERSON = "SAME_PERSON", _("misma persona: enrolamiento rechazado")
        APPROVED = "APPROVED", _("reemplazo aprobado")
        REFUSED = "REFUSED", _("reemplazo rechazado: sigue el enrolamiento anterior")

    ACCEPTED = frozenset({Status.DIFFERENT_PERSONS, Status.APPROVED})

    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices, default=Kind.DUPLICATE)
    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="duplicate_case")
    matched_enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="+")
    face_score = models.FloatField(_("puntaje facial"))
    finger_scores = models.JSONField(_("puntajes de huellas"), default=dict)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("motivo de la decisión"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("caso de revisión biométrica")
        verbose_name_plural = _("casos de revisión biométrica")
        ordering = ["-created_at"]

    @property
    def accepted(self) -> bool:
        """Decided in favour of the new enrollment (it is now the one in force)."""
        return self.status in self.ACCEPTED
