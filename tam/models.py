"""The virtual TAM (Tarjeta Andina de Migración): one per admitted crossing, sealed with a VDS."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tam(models.Model):
    number = models.CharField(_("número"), max_length=24, unique=True)
    crossing = models.OneToOneField("control.Crossing", on_delete=models.PROTECT, related_name="tam")
    direction = models.CharField(_("sentido"), max_length=5)
    surnames = models.CharField(_("apellidos"), max_length=100)
    given_names = models.CharField(_("nombres"), max_length=100, blank=True)
    document_type = models.CharField(_("tipo de documento"), max_length=24)
    document_number = models.CharField(_("número de documento"), max_length=20, db_index=True)
    issuing_state = models.CharField(_("Estado emisor"), max_length=3)
    nationality = models.CharField(_("nacionalidad"), max_length=3)
    birth_date = models.DateField(_("fecha de nacimiento"))
    sex = models.CharField(_("sexo"), max_length=1)
    residence_country = models.CharField(_("país de residencia"), max_length=3, blank=True)
    origin = models.CharField(_("origen"), max_length=60, blank=True)
    destination = models.CharField(_("destino"), max_length=60, blank=True)
    flight = models.CharField(_("vuelo o transporte"), max_length=20, blank=True)
    purpose = models.CharField(_("motivo de viaje"), max_length=40, blank=True)
    address_in_peru = models.CharField(_("dirección en el Perú"), max_length=200, blank=True)
    days_granted = models.PositiveSmallIntegerField(_("días otorgados"), null=True, blank=True)
    crossing_point_code = models.CharField(_("puesto de control"), max_length=10)
    crossing_point_name = models.CharField(_("nombre del puesto"), max_length=150)
    occurred_at = models.DateTimeField(_("fecha y hora"))
    email = models.EmailField(_("correo electrónico"), blank=True)
    email_sent_at = models.DateTimeField(_("enviada por correo"), null=True, blank=True)
    seal = models.TextField(_("sello digital visible (VDS)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("TAM virtual")
        verbose_name_plural = _("TAM virtuales")
        indexes = [models.Index(fields=["document_number", "nationality", "birth_date"], name="tam_holder_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def full_name(self) -> str:
        return f"{self.surnames}, {self.given_names}".strip(", ")
