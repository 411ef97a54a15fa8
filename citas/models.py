"""Sedes' hours and counters, the services each counter offers, turns (slots) with capacity, and citas."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """What a citizen comes to a counter for; add a member (and a migration for the choices) to offer a new one."""

    PASSPORT_ENROLLMENT = "PASSPORT_ENROLLMENT", _("Enrolamiento de pasaporte")
    CARNE_ENROLLMENT = "CARNE_ENROLLMENT", _("Enrolamiento de carné de extranjería")
    DOCUMENT_PICKUP = "DOCUMENT_PICKUP", _("Entrega de documentos")


class SedeProfile(models.Model):
    """What citas needs of a sede beyond cuentas.Office: its region, whose holidays close it."""

    office = models.OneToOneField("cuentas.Office", on_delete=models.CASCADE, related_name="citas_profile")
    region = models.CharField(_("región"), max_length=2, blank=True, default="",
                              help_text=_("Código UBIGEO de dos dígitos; vacío: solo feriados nacionales."))

    class Meta:
        verbose_name = _("perfil de sede")
        verbose_name_plural = _("perfiles de sede")

    def __str__(self) -> str:
        return f"{self.office} ({self.region or '-'})"


class OpeningHours(models.Model):
    """A weekday's hours of a sede, overriding the sede's opens_at/closes_at; `closed` shuts that weekday."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lunes")
        TUESDAY = 1, _("martes")
        WEDNESDAY = 2, _("miércoles")
        THURSDAY = 3, _("jueves")
        FRIDAY = 4, _("viernes")

    office = models.ForeignKey("cuentas.Office", on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("día"), choices=Weekday.choices)
    opens_at = models.TimeField(_("abre"), null=True, blank=True)
    closes_at = models.TimeField(_("cierra"), null=True, blank=True)
    closed = models.BooleanField(_("cerrado"), default=False)

    class Meta:
        verbose_name = _("horario")
        verbose_name_plural = _("horarios")
        ordering = ["office", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="citas_hours_unique"),
            models.CheckConstraint(condition=Q(closed=True) | Q(opens_at__lt=F("closes_at")),
                                   name="citas_hours_open_before_close"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.get_weekday_display()}"


class Counter(models.Model):
    """A counter (ventanilla) of a sede and the services it offers: a turn has one place per counter offering it."""

    office = models.ForeignKey("cuentas.Office", on_delete=models.CASCADE, related_name="service_counters")
    number = models.PositiveSmallIntegerField(_("número"))
    services = models.JSONField(_("servicios"), default=list, help_text=_("Lista de servicios (Service)."))
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("ventanilla")
        verbose_name_plural = _("ventanillas")
        ordering = ["office", "number"]
        constraints = [models.UniqueConstraint(fields=["office", "number"], name="citas_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office} #{self.number}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [s for s in self.services if s not in Service.values]
        if unknown or not isinstance(self.services, list):
            raise ValidationError({"services": _("Servicio desconocido.")})


class Slot(models.Model):
    """A turn of one service at a sede: `booked` never passes `capacity` (a database check)."""

    office = models.ForeignKey("cuentas.Office", on_delete=models.PROTECT, related_name="slots")
    service = models.CharField(_("servicio"), max_length=30, choices=Service.choices)
    starts_at = models.DateTimeField(_("inicio"))
    capacity = models.PositiveSmallIntegerField(_("capacidad"))
    booked = models.PositiveSmallIntegerField(_("reservadas"), default=0)

    class Meta:
        verbose_name = _("turno")
        verbose_name_plural = _("turnos")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "service", "starts_at"], name="citas_slot_unique"),
            # The last line of defence against overbooking, whatever the code path.
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="citas_slot_within_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.service} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class Appointment(models.Model):
    """A cita for the record it serves (kind + id, e.g. a passport application); one BOOKED per person and service."""

    class Status(models.TextChoices):
        BOOKED = "BOOKED", _("vigente")
        RESCHEDULED = "RESCHEDULED", _("reprogramada")
        CANCELLED = "CANCELLED", _("anulada")
        ATTENDED = "ATTENDED", _("atendida")
        NO_SHOW = "NO_SHOW", _("no se presentó")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    # The person's document number (DNI, CE, ...): one active cita per person and service, against resale.
    document = models.CharField(_("documento"), max_length=20)
    person_id = models.BigIntegerField(_("persona (RIM)"), null=True, blank=True)
    service = models.CharField(_("servicio"), max_length=30, choices=Service.choices)
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    record_kind = models.CharField(_("tipo de expediente"), max_length=40)
    record_id = models.BigIntegerField(_("expediente"))
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    reason = models.CharField(_("motivo"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cita")
        verbose_name_plural = _("citas")
        indexes = [models.Index(fields=["record_kind", "record_id"], name="citas_appt_record")]
        constraints = [
            models.UniqueConstraint(fields=["document", "service"], condition=Q(status="BOOKED"),
                                    name="citas_one_active_per_service"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.slot_id} ({self.status})"
