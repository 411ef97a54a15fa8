"""Migratory control records: each crossing decision with its checks, minors' travel permits and MigraCheck
pre-registrations (the overstay fine's fee and the UIT are in pagos' catalogue)."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Crossing(models.Model):
    """One decision at a crossing point: PASS, or REFER to an officer with the reasons."""

    class Decision(models.TextChoices):
        PASS = "PASS", _("aprobado")
        REFER = "REFER", _("derivado a un oficial")

    class Review(models.TextChoices):
        NONE = "NONE", _("sin revisión")
        PENDING = "PENDING", _("pendiente de revisión")
        ADMITTED = "ADMITTED", _("admitido por el oficial")
        DENIED = "DENIED", _("no admitido")

    transaction_id = models.UUIDField(_("transacción"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("canal"), max_length=7)
    direction = models.CharField(_("sentido"), max_length=5)
    crossing_point = models.ForeignKey("rim.CrossingPoint", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decisión"), max_length=5, choices=Decision.choices)
    # "check_name: texto" in Spanish, as recorded (and audited); shown through `reason_items`.
    reasons = models.JSONField(_("motivos"), default=list, blank=True)
    # The same reasons as {"check", "code", "params"} (rendered in the reader's language by
    # control/reasons.py), or {"check", "text"} for records made before reasons had codes.
    reason_items = models.JSONField(_("motivos (códigos)"), default=list, blank=True)
    review = models.CharField(_("revisión"), max_length=8, choices=Review.choices, default=Review.NONE)
    # Traveller data as read from the document (MRZ, or the chip's DG1 when read).
    document_code = models.CharField(_("tipo de documento (MRZ)"), max_length=2)
    document_number = models.CharField(_("número de documento"), max_length=20)
    issuing_state = models.CharField(_("Estado emisor"), max_length=3)
    nationality = models.CharField(_("nacionalidad"), max_length=3)
    surnames = models.CharField(_("apellidos"), max_length=100)
    given_names = models.CharField(_("nombres"), max_length=100, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    sex = models.CharField(_("sexo"), max_length=1, blank=True)
    expiry_date = models.DateField(_("caducidad del documento"), null=True, blank=True)
    chip_read = models.BooleanField(_("chip leído"), default=False)
    flight = models.CharField(_("vuelo"), max_length=20, blank=True)
    origin = models.CharField(_("origen"), max_length=60, blank=True)
    destination = models.CharField(_("destino"), max_length=60, blank=True)
    purpose = models.CharField(_("motivo de viaje"), max_length=40, blank=True)
    days_granted = models.PositiveSmallIntegerField(_("días de permanencia otorgados"), null=True, blank=True)
    overstay_days = models.PositiveIntegerField(_("días de exceso de permanencia"), default=0)
    fine_amount = models.DecimalField(_("multa (S/)"), max_digits=10, decimal_places=2, default=0)
    person = models.ForeignKey("rim.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    movement = models.OneToOneField("rim.Movement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_repr = models.CharField(_("registrado por"), max_length=200)
    device_key = models.CharField(_("dispositivo"), max_length=64, blank=True, db_index=True)
    elapsed_ms = models.PositiveIntegerField(_("duración (ms)"), default=0)
    reviewed_by = models.CharField(_("revisado por"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("revisado"), null=True, blank=True)
    review_reason = models.CharField(_("motivo de la revisión"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("fecha y hora"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("control migratorio")
        verbose_name_plural = _("controles migratorios")
        indexes = [models.Index(fields=["review", "-created_at"], name="control_crossing_queue_idx")]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.decision}"

    @property
    def full_name(self) -> str:
        return f"{self.surnames}, {self.given_names}".strip(", ")

    @property
    def reason_lines(self) -> list[str]:
        """The reasons in words, in the active language ("Alertas de la PNP: requisitoria …")."""
        from .reasons import legacy_item, reason_line

        items = self.reason_items or [legacy_item(r) for r in self.reasons]
        return [reason_line(item) for item in items]


class Check(models.Model):
    """One check of a crossing, with its result, the reason and how long it took."""

    class Result(models.TextChoices):
        PASS = "PASS", _("superado")
        FAIL = "FAIL", _("fallido")
        ERROR = "ERROR", _("sin respuesta o error")
        SKIPPED = "SKIPPED", _("no realizado")

    crossing = models.ForeignKey(Crossing, on_delete=models.CASCADE, related_name="checks")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("control"), max_length=40)
    result = models.CharField(_("resultado"), max_length=7, choices=Result.choices)
    required = models.BooleanField(_("obligatorio"), default=True)
    reason = models.CharField(_("motivo"), max_length=500)  # Spanish, as recorded
    reason_code = models.CharField(_("código del motivo"), max_length=40, blank=True)
    reason_params = models.JSONField(_("datos del motivo"), default=dict, blank=True)
    ms = models.PositiveIntegerField(_("ms"), default=0)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["crossing", "position"]
        verbose_name = _("verificación")
        verbose_name_plural = _("verificaciones")
        constraints = [models.UniqueConstraint(fields=["crossing", "name"], name="control_check_unique_name")]

    @property
    def label(self) -> str:
        from .reasons import check_label

        return check_label(self.name)

    @property
    def reason_words(self) -> str:
        """The reason in the active language; a check recorded before codes keeps its Spanish text."""
        from .reasons import render

        return render(self.reason_code, self.reason_params) if self.reason_code else self.reason

    @property
    def result_words(self) -> str:
        return self.get_result_display()


class TravelPermit(models.Model):
    """A minor's travel permit (permiso notarial o judicial de viaje) for leaving the country."""

    minor_document_number = models.CharField(_("documento del menor"), max_length=20, db_index=True)
    minor_issuing_state = models.CharField(_("Estado emisor"), max_length=3)
    minor_birth_date = models.DateField(_("fecha de nacimiento del menor"))
    minor_name = models.CharField(_("nombre del menor"), max_length=200)
    granted_by = models.CharField(_("otorgado por (padre, madre o juez)"), max_length=200)
    companion = models.CharField(_("acompañante"), max_length=200, blank=True)
    destination = models.CharField(_("destino"), max_length=60, blank=True)
    reference = models.CharField(_("referencia (notaría o expediente)"), max_length=100)
    valid_from = models.DateField(_("válido desde"))
    valid_until = models.DateField(_("válido hasta"))
    revoked = models.BooleanField(_("revocado"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("permiso de viaje de menor")
        verbose_name_plural = _("permisos de viaje de menores")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="control_permit_until_after_from"),
        ]


class PreRegistration(models.Model):
    """MigraCheck: a traveller registers their trip up to 48 h before the flight."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("registrado")
        READY = "READY", _("listo (rostro del chip preparado)")
        USED = "USED", _("usado en el control")
        EXPIRED = "EXPIRED", _("vencido")

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A registration counts at control only for the document it names (number, nationality, birth
    # date and expiry, as in the MRZ) and only for the chip photo it was made with or for a
    # signed-in traveller whose account holds that document (`user`).
    document_number = models.CharField(_("número de documento"), max_length=20)
    issuing_state = models.CharField(_("Estado emisor"), max_length=3)
    nationality = models.CharField(_("nacionalidad"), max_length=3, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"))
    expiry_date = models.DateField(_("caducidad del documento"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("cuenta del viajero"))
    direction = models.CharField(_("sentido"), max_length=5)
    flight = models.CharField(_("vuelo"), max_length=20)
    flight_at = models.DateTimeField(_("salida o llegada del vuelo"))
    origin = models.CharField(_("origen"), max_length=60, blank=True)
    destination = models.CharField(_("destino"), max_length=60, blank=True)
    purpose = models.CharField(_("motivo de viaje"), max_length=40)
    address_in_peru = models.CharField(_("dirección en el Perú"), max_length=200, blank=True)
    residence_country = models.CharField(_("país de residencia"), max_length=3, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    # The TAM goes to this address only once its owner followed the confirmation link.
    email_confirmed_at = models.DateTimeField(_("correo confirmado"), null=True, blank=True)
    email_confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    dg2_sha256 = models.CharField(max_length=64, blank=True)
    # The chip photo, sealed (AES-GCM) until it is encoded, then erased: tasks get only the id.
    dg2_key_id = models.CharField(max_length=20, blank=True)
    dg2_sealed = models.BinaryField(null=True, blank=True)
    # The chip photo's 128-d face encoding, sealed with the biometric keys (AES-GCM), made in advance.
    encoding_key_id = models.CharField(max_length=20, blank=True)
    encoding_sealed = models.BinaryField(null=True, blank=True)
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("preregistro MigraCheck")
        verbose_name_plural = _("preregistros MigraCheck")
        indexes = [models.Index(fields=["document_number", "issuing_state"], name="control_prereg_doc_idx")]

    @property
    def purpose_confirmed(self) -> bool:
        """A purpose declared by a signed-in traveller may set the stay; an anonymous one may not."""
        return self.user_id is not None


class OfficerPost(models.Model):
    """The crossing point an officer or supervisor works at: their control pages, queue and reviews
    show and act on that crossing point only, and staff without a post are refused."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="control_post",
                                verbose_name=_("oficial"))
    crossing_point = models.ForeignKey("rim.CrossingPoint", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("puesto de control"))
    assigned_by = models.CharField(_("asignado por"), max_length=200, blank=True)
    assigned_at = models.DateTimeField(_("asignado"), auto_now=True)

    class Meta:
        verbose_name = _("puesto del oficial")
        verbose_name_plural = _("puestos de los oficiales")

    def __str__(self) -> str:
        return f"{self.user} @ {self.crossing_point_id}"
