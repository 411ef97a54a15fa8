"""Foreigners' permitted stay (days granted on entry, 183 a year at most) and the overstay fine on exit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from core.errors import ApplicationError
from pagos import selectors as pagos_selectors
from rim import selectors as rim_selectors
from rim.models import IdentityDocument, Movement, Person

from .models import Crossing

# Reglamento del Decreto Legislativo 1350: a visitor may stay up to 183 days in a 365-day period.
MAX_STAY_DAYS_PER_YEAR = 183
# The fine's entry in pagos' fee catalogue (0.1 % of the UIT of the year, per day).
OVERSTAY_FINE_PROCEDURE = "MULTA_EXCESO_PERMANENCIA"
# Days granted by trip purpose on entry (never more than what is left of the yearly 183).
DAYS_BY_PURPOSE = {"TURISMO": 183, "NEGOCIOS": 183, "TRANSITO": 30, "ESTUDIOS": 183, "SALUD": 183, "OTRO": 90}
PURPOSES = tuple(DAYS_BY_PURPOSE)


class FeeTableIncomplete(Exception):
    """The fee table or the UIT of the year is missing: the fine cannot be computed."""


@dataclass(frozen=True)
class StayOnExit:
    entered_at: dt.datetime | None
    days_granted: int
    days_stayed: int
    overstay_days: int
    fine: Decimal


def is_resident(person: Person | None) -> bool:
    """A foreigner with a calidad migratoria in force, or a carné de extranjería or PTP in force, lives
    here: no visitor's stay applies."""
    if person is None:
        return False
    if rim_selectors.residence_status_current(person_id=person.pk) is not None:
        return True
    return person.documents.filter(
        kind__in=(IdentityDocument.Kind.CARNE_EXTRANJERIA, IdentityDocument.Kind.PTP),
        status=IdentityDocument.Status.VIGENTE,
    ).filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=timezone.localdate())).exists()


def days_in_country(person: Person | None, *, since: dt.datetime, until: dt.datetime) -> int:
    """Days spent in Peru between two instants, from the person's entries and exits in the RIM."""
    if person is None:
        return 0
    movements = list(Movement.objects.filter(person=person, occurred_at__lt=until)
                     .order_by("occurred_at").values_list("direction", "occurred_at"))
    total, inside_since = 0, None
    for direction, at in movements:
        if direction == Movement.Direction.ENTRY:
            inside_since = at
        elif inside_since is not None:
            total += _overlap_days(inside_since, at, since, until)
            inside_since = None
    if inside_since is not None:
        total += _overlap_days(inside_since, until, since, until)
    return total


def _overlap_days(start: dt.datetime, end: dt.datetime, since: dt.datetime, until: dt.datetime) -> int:
    start, end = max(start, since), min(end, until)
    return max(0, (end.date() - start.date()).days + 1) if end > start else 0


def days_to_grant(person: Person | None, purpose: str, *, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    used = days_in_country(person, since=now - dt.timedelta(days=365), until=now)
    wanted = DAYS_BY_PURPOSE.get(purpose or "TURISMO", DAYS_BY_PURPOSE["OTRO"])
    return max(0, min(wanted, MAX_STAY_DAYS_PER_YEAR - used))


def last_entry(person: Person | None) -> Movement | None:
    if person is None:
        return None
    return Movement.objects.filter(person=person, direction=Movement.Direction.ENTRY).order_by("-occurred_at").first()


def stay_on_exit(person: Person | None, *, now: dt.datetime | None = None) -> StayOnExit | None:
    """How long the foreigner stayed since their last entry, and the fine for any days over.

    The days granted are those of the entry plus any prórroga de permanencia recorded on it.
    """
    now = now or timezone.now()
    entry = last_entry(person)
    if entry is None:
        return None
    granted = (Crossing.objects.filter(movement=entry).values_list("days_granted", flat=True).first()
               or MAX_STAY_DAYS_PER_YEAR)
    granted += rim_selectors.stay_extension_days(entry_id=entry.pk)
    stayed = (timezone.localtime(now).date() - timezone.localtime(entry.occurred_at).date()).days + 1
    overstay = max(0, stayed - granted)
    return StayOnExit(entry.occurred_at, granted, stayed, overstay, overstay_fine(overstay, on=now.date()))


def overstay_fine(days: int, *, on: dt.date) -> Decimal:
    """Soles of the overstay fine for `days` days over, from pagos' catalogue with the UIT of that year."""
    if days <= 0:
        return Decimal("0.00")
    try:
        fee = pagos_selectors.fee_for(OVERSTAY_FINE_PROCEDURE, on=on)
        return pagos_selectors.fee_amount(fee, on=on, units=days)
    except ApplicationError as exc:  # no fine in force that day, or the UIT of the year not loaded
        raise FeeTableIncomplete(f"falta la tasa {OVERSTAY_FINE_PROCEDURE} o el valor de la UIT para {on.year}") from exc
