"""RIM records: persons, their documents, family, studies, work, movements and alerts."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# ICAO 9303 state codes are three letters, except Germany's single "D" (filled with "<" in an MRZ).
icao_code_validator = RegexValidator(
    r"^(?:[A-Z]{3}|D)$", _("Código de país OACI inválido (tres letras, o D para Alemania).")
)
document_number_validator = RegexValidator(
    r"^[A-Z0-9]{1,20}$", _("El número de documento solo admite letras mayúsculas y dígitos.")
)


class Person(models.Model):
    """A person known to MIGRACIONES: Peruvian or foreign, with their names as written."""

    class Sex(models.TextChoices):
        MALE = "M", _("masculino")
        FEMALE = "F", _("femenino")
        UNSPECIFIED = "X", _("no especificado")

    given_names = models.CharField(_("nombres"), max_length=100)
    first_surname = models.CharField(_("primer apellido"), max_length=100)
    second_surname = models.CharField(_("segundo apellido"), max_length=100, blank=True)
    # Uppercase, accent-free "GIVEN NAMES FIRST SECOND": what fuzzy search compares against.
    search_name = models.CharField(_("nombre normalizado"), max_length=310, editable=False)
    birth_date = models.DateField(_("fecha de nacimiento"))
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    nationality = models.CharField(_("nacionalidad (OACI)"), max_length=3, validators=[icao_code_validator])
    height_cm = models.PositiveSmallIntegerField(
        _("estatura (cm)"), null=True, blank=True, validators=[MinValueValidator(40), MaxValueValidator(250)]
    )
    eye_color = models.CharField(_("color de ojos"), max_length=30, blank=True)
    hair_color = models.CharField(_("color de cabello"), max_length=30, blank=True)
    distinguishing_marks = models.TextField(_("señas particulares"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        # The GIN trigram index on search_name is PostgreSQL-only: migration 0002 adds it there.
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        indexes = [
            models.Index(fields=["birth_date"], name="rim_person_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def surnames(self) -> str:
        return " ".join(part for part in (self.first_surname, self.second_surname) if part)

    @property
    def full_name(self) -> str:
        """As Peruvian documents print it: surnames, then given names."""
        return f"{self.surnames}, {self.given_names}"


class IdentityDocument(models.Model):
    """An identity or travel document held by a person (DNI, passport, carné, PTP...)."""

    class Kind(models.TextChoices):
        DNI = "DNI", _("DNI")
        PASAPORTE = "PASAPORTE", _("pasaporte peruano")
        CARNE_EXTRANJERIA = "CARNE_EXTRANJERIA", _("carné de extranjería")
        PASAPORTE_EXTRANJERO = "PASAPORTE_EXTRANJERO", _("pasaporte extranjero")
        PTP = "PTP", _("Permiso Temporal de Permanencia")
        OTHER = "OTHER", _("otro")

    class Status(models.TextChoices):
        VIGENTE = "VIGENTE", _("vigente")
        CANCELADO = "CANCELADO", _("cancelado")
        PERDIDO = "PERDIDO", _("perdido")
        ROBADO = "ROBADO", _("robado")
        VENCIDO = "VENCIDO", _("vencido")

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices)
    number = models.CharField(_("número"), max_length=20, validators=[document_number_validator])
    issuing_state = models.CharField(_("Estado emisor (OACI)"), max_length=3, validators=[icao_code_validator])
    issue_date = models.DateField(_("fecha de emisión"), null=True, blank=True)
    expiry_date = models.DateField(_("fecha de caducidad"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.VIGENTE)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        verbose_name = _("documento de identidad")
        verbose_name_plural = _("documentos de identidad")
        constraints = [
            models.UniqueConstraint(fields=["kind", "issuing_state", "number"], name="rim_document_unique_number"),
            models.CheckConstraint(
                condition=models.Q(expiry_date__isnull=True)
                | models.Q(issue_date__isnull=True)
                | models.Q(expiry_date__gte=models.F("issue_date")),
                name="rim_document_expiry_after_issue",
            ),
        ]
        # Look-ups by number alone ("any kind") must not scan: the unique index starts with kind.
        indexes = [models.Index(fields=["number"], name="rim_document_number_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issuing_state} {self.number}"


class DocumentStatusEvent(models.Model):
    """One change of a document's status, with who made it and why."""

    document = models.ForeignKey(IdentityDocument, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(_("estado anterior"), max_length=10, choices=IdentityDocument.Status.choices)
    to_status = models.CharField(_("estado nuevo"), max_length=10, choices=IdentityDocument.Status.choices)
    reason = models.CharField(_("motivo"), max_length=300)
    actor_repr = models.CharField(_("actor"), max_length=200)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("cambio de estado de documento")
        verbose_name_plural = _("cambios de estado de documentos")


class FamilyLink(models.Model):
    """`relative` is the `relation` of `person` (e.g. relative is the MADRE of person)."""

    class Relation(models.TextChoices):
        PADRE = "PADRE", _("padre")
        MADRE = "MADRE", _("madre")
        HIJO = "HIJO", _("hijo o hija")
        CONYUGE = "CONYUGE", _("cónyuge")
        HERMANO = "HERMANO", _("hermano o hermana")
        TUTOR = "TUTOR", _("tutor o apoderado")
        OTRO = "OTRO", _("otro")

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Person, verbose_name=_("familiar"), on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("parentesco"), max_length=10, choices=Relation.choices)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        verbose_name = _("vínculo familiar")
        verbose_name_plural = _("vínculos familiares")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "relation"], name="rim_family_link_unique"),
            models.CheckConstraint(condition=~models.Q(person=models.F("relative")), name="rim_family_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.relative_id}"


class Study(models.Model):
    class Level(models.TextChoices):
        PRIMARIA = "PRIMARIA", _("primaria")
        SECUNDARIA = "SECUNDARIA", _("secundaria")
        TECNICA = "TECNICA", _("técnica")
        UNIVERSITARIA = "UNIVERSITARIA", _("universitaria")
        POSGRADO = "POSGRADO", _("posgrado")

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="studies")
    institution = models.CharField(_("institución"), max_length=200)
    level = models.CharField(_("nivel"), max_length=14, choices=Level.choices)
    field = models.CharField(_("carrera o especialidad"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(
        _("año"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("estudio")
        verbose_name_plural = _("estudios")

    def __str__(self) -> str:
        return f"{self.get_level_display()} — {self.institution}"


class Workplace(models.Model):
    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="workplaces")
    employer = models.CharField(_("empleador"), max_length=200)
    ruc = models.CharField(_("RUC"), max_length=11, blank=True)
    position = models.CharField(_("cargo"), max_length=120, blank=True)
    since = models.DateField(_("desde"), null=True, blank=True)
    until = models.DateField(_("hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("centro de trabajo")
        verbose_name_plural = _("centros de trabajo")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(since__isnull=True) | models.Q(until__gte=models.F("since")),
                name="rim_workplace_until_after_since",
            )
        ]

    def __str__(self) -> str:
        return self.employer


class CrossingPoint(models.Model):
    """A puesto de control migratorio: airport, land border, sea or river port."""

    class Kind(models.TextChoices):
        AIRPORT = "AIRPORT", _("aeropuerto")
        LAND = "LAND", _("frontera terrestre")
        SEA = "SEA", _("puerto marítimo")
        RIVER = "RIVER", _("puerto fluvial")

    code = models.CharField(_("código"), max_length=10, unique=True)
    name = models.CharField(_("nombre"), max_length=150)
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices)
    ubigeo = models.CharField(_("ubigeo"), max_length=6, blank=True)
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("puesto de control")
        verbose_name_plural = _("puestos de control")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Movement(models.Model):
    """One entry to or exit from Peru."""

    class Direction(models.TextChoices):
        ENTRY = "ENTRY", _("entrada")
        EXIT = "EXIT", _("salida")

    class Channel(models.TextChoices):
        COUNTER = "COUNTER", _("ventanilla")
        EGATE = "EGATE", _("puerta electrónica")
        MOBILE = "MOBILE", _("control móvil")

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.PROTECT, related_name="movements")
    direction = models.CharField(_("sentido"), max_length=5, choices=Direction.choices)
    crossing_point = models.ForeignKey(
        CrossingPoint, verbose_name=_("puesto de control"), on_delete=models.PROTECT, related_name="movements"
    )
    occurred_at = models.DateTimeField(_("fecha y hora"))
    document = models.ForeignKey(
        IdentityDocument, verbose_name=_("documento"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="movements",
    )
    channel = models.CharField(_("canal"), max_length=7, choices=Channel.choices)
    flight = models.CharField(_("vuelo o transporte"), max_length=20, blank=True)
    origin = models.CharField(_("origen"), max_length=60, blank=True)
    destination = models.CharField(_("destino"), max_length=60, blank=True)
    # A user's name or a device ("device:GATE-01"): e-gates record crossings too.
    recorded_by = models.CharField(_("registrado por"), max_length=200)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("movimiento migratorio")
        verbose_name_plural = _("movimientos migratorios")
        indexes = [models.Index(fields=["person", "-occurred_at"], name="rim_movement_person_idx")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.occurred_at:%Y-%m-%d %H:%M} {self.crossing_point_id}"


class Alert(models.Model):
    """An alert on a document (by number) or on a person (by name and birth date)."""

    class Source(models.TextChoices):
        PNP = "PNP", _("Policía Nacional del Perú")
        INTERPOL = "INTERPOL", _("INTERPOL")
        JUDICIAL = "JUDICIAL", _("Poder Judicial")
        ALIANZA_PACIFICO = "ALIANZA_PACIFICO", _("Alianza del Pacífico")
        MIGRACIONES = "MIGRACIONES", _("MIGRACIONES")

    class Kind(models.TextChoices):
        REQUISITORIA = "REQUISITORIA", _("requisitoria")
        IMPEDIMENTO_SALIDA = "IMPEDIMENTO_SALIDA", _("impedimento de salida")
        SLTD = "SLTD", _("documento robado o perdido (SLTD)")
        NOTICE = "NOTICE", _("notificación")
        OTHER = "OTHER", _("otra")

    source = models.CharField(_("fuente"), max_length=16, choices=Source.choices)
    kind = models.CharField(_("tipo"), max_length=18, choices=Kind.choices)
    document_number = models.CharField(
        _("número de documento"), max_length=20, blank=True, validators=[document_number_validator]
    )
    issuing_state = models.CharField(
        _("Estado emisor (OACI)"), max_length=3, blank=True, validators=[icao_code_validator]
    )
    search_name = models.CharField(_("nombre normalizado"), max_length=310, blank=True)
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    active_from = models.DateTimeField(_("vigente desde"))
    active_until = models.DateTimeField(_("vigente hasta"), null=True, blank=True)
    reason = models.TextField(_("motivo"))
    reference = models.CharField(_("referencia"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)

    class Meta:
        verbose_name = _("alerta")
        verbose_name_plural = _("alertas")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(document_number="") | (~models.Q(search_name="") & models.Q(birth_date__isnull=False)),
                name="rim_alert_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["document_number"], name="rim_alert_document_idx"),
            models.Index(fields=["birth_date"], name="rim_alert_birth_idx"),
        ]

    def __str__(self) -> str:
        subject = self.document_number or self.search_name
        return f"{self.get_source_display()} {self.get_kind_display()}: {subject}"


class ResidenceStatus(models.Model):
    """A person's calidad migratoria: which one, from when until when, and whether it is the one in force.

    At most one VIGENTE per person (a partial unique index); a new calidad or a prórroga makes the
    previous one REEMPLAZADA (rim.services.residence_status_set / residence_status_extend).
    """

    class Calidad(models.TextChoices):
        TRABAJADOR_RESIDENTE = "TRABAJADOR_RESIDENTE", _("Trabajador Residente")
        FAMILIAR_RESIDENTE = "FAMILIAR_RESIDENTE", _("Familiar de Residente")
        ESPECIAL_RESIDENTE = "ESPECIAL_RESIDENTE", _("Especial Residente")
        RESIDENTE_PERMANENTE = "RESIDENTE_PERMANENTE", _("Residente Permanente")
        ESTUDIANTE = "ESTUDIANTE", _("Estudiante")
        HUMANITARIA = "HUMANITARIA", _("Humanitaria")
        RENTISTA = "RENTISTA", _("Rentista")
        RELIGIOSO = "RELIGIOSO", _("Religioso")
        DESIGNADO = "DESIGNADO", _("Designado")
        PTP = "PTP", _("Permiso Temporal de Permanencia (PTP)")
        CPP = "CPP", _("Carné de Permiso Temporal de Permanencia (CPP)")

    class Status(models.TextChoices):
        VIGENTE = "VIGENTE", _("vigente")
        REEMPLAZADA = "REEMPLAZADA", _("reemplazada")
        CANCELADA = "CANCELADA", _("cancelada")

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE,
                               related_name="residence_statuses")
    calidad = models.CharField(_("calidad migratoria"), max_length=24, choices=Calidad.choices)
    valid_from = models.DateField(_("vigente desde"))
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)  # None: indefinite
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.VIGENTE)
    reference = models.CharField(_("referencia"), max_length=40, blank=True)
    recorded_by = models.CharField(_("registrado por"), max_length=200)
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calidad migratoria")
        verbose_name_plural = _("calidades migratorias")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(status="VIGENTE"),
                                    name="rim_residence_one_vigente"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="rim_residence_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_calidad_display()} ({self.get_status_display()})"


class Permit(models.Model):
    """A permiso especial granted to a foreigner: to travel abroad (CPP/PTP holders) or to sign contracts."""

    class Kind(models.TextChoices):
        VIAJE = "VIAJE", _("permiso especial de viaje")
        FIRMA_CONTRATOS = "FIRMA_CONTRATOS", _("permiso especial para firmar contratos")

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE, related_name="permits")
    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    valid_from = models.DateField(_("vigente desde"))
    valid_until = models.DateField(_("vigente hasta"))
    reference = models.CharField(_("referencia"), max_length=40, blank=True)
    revoked = models.BooleanField(_("revocado"), default=False)
    revoked_reason = models.CharField(_("motivo de la revocación"), max_length=300, blank=True)
    recorded_by = models.CharField(_("registrado por"), max_length=200)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("permiso especial")
        verbose_name_plural = _("permisos especiales")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="rim_permit_until_after_from"),
        ]
        indexes = [models.Index(fields=["person", "kind", "valid_until"], name="rim_permit_person_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from:%Y-%m-%d}–{self.valid_until:%Y-%m-%d}"


class StayExtension(models.Model):
    """A prórroga de permanencia: extra days added to the stay granted at one entry of a visitor."""

    person = models.ForeignKey(Person, verbose_name=_("persona"), on_delete=models.CASCADE,
                               related_name="stay_extensions")
    entry = models.ForeignKey(Movement, verbose_name=_("ingreso"), on_delete=models.PROTECT,
                              related_name="stay_extensions")
    extra_days = models.PositiveSmallIntegerField(_("días adicionales"),
                                                  validators=[MinValueValidator(1), MaxValueValidator(365)])
    reference = models.CharField(_("referencia"), max_length=40, blank=True)
    recorded_by = models.CharField(_("registrado por"), max_length=200)
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("prórroga de permanencia")
        verbose_name_plural = _("prórrogas de permanencia")

    def __str__(self) -> str:
        return f"+{self.extra_days} ({self.entry_id})"
