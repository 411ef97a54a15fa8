"""The calendar as rows: the years loaded from calendario/data/<year>.json and their non-working days."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .regions import Region


class CalendarYear(models.Model):
    """A year whose calendar file was loaded: only such years can be counted (services refuse others)."""

    year = models.PositiveSmallIntegerField(_("año"), primary_key=True)
    source_file = models.CharField(_("archivo"), max_length=200)
    sources = models.TextField(_("fuentes"), blank=True)
    loaded_at = models.DateTimeField(_("cargado el"))
    loaded_by = models.CharField(_("cargado por"), max_length=200)

    class Meta:
        ordering = ["year"]
        verbose_name = _("año del calendario")
        verbose_name_plural = _("años del calendario")

    def __str__(self) -> str:
        return str(self.year)


class NonWorkingDay(models.Model):
    """A day that is not a business day for a scope: the whole country, one region, or the public sector."""

    class Scope(models.TextChoices):
        NATIONAL = "NATIONAL", _("Feriado nacional")
        REGIONAL = "REGIONAL", _("Feriado regional")
        PUBLIC_SECTOR = "PUBLIC_SECTOR", _("Día no laborable del sector público")

    date = models.DateField(_("fecha"), db_index=True)
    scope = models.CharField(_("alcance"), max_length=16, choices=Scope.choices)
    # Empty unless the scope is REGIONAL (a constraint holds it), so the unique key needs no NULL.
    region = models.CharField(_("región"), max_length=2, choices=Region.choices, blank=True, default="")
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200)
    legal_basis = models.TextField(_("base legal"))

    class Meta:
        ordering = ["date", "scope", "region"]
        verbose_name = _("día no laborable")
        verbose_name_plural = _("días no laborables")
        constraints = [
            models.UniqueConstraint(fields=["date", "scope", "region"], name="calendario_day_unique"),
            models.CheckConstraint(
                condition=(Q(scope="REGIONAL") & ~Q(region="")) | (~Q(scope="REGIONAL") & Q(region="")),
                name="calendario_region_iff_regional",
                violation_error_message=_("Solo un feriado regional lleva región, y siempre la lleva."),
            ),
        ]

    def __str__(self) -> str:
        where = f" ({self.get_region_display()})" if self.region else ""
        return f"{self.date.isoformat()} {self.name_es}{where}"
