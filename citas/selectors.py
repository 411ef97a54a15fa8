"""Reads of the appointments rail: free turns, the next days with places, a record's cita, a sede's day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from cuentas.models import Office

from .models import Appointment, Slot

CLOSED_BY_MOVE = (Appointment.Status.CANCELLED, Appointment.Status.RESCHEDULED)


@dataclass(frozen=True)
class FreeDay:
    day: dt.date
    free: int


def free_slots(*, office: Office, service: str, day: dt.date) -> QuerySet[Slot]:
    """Turns of a service on a day with places left, from now on."""
    return (Slot.objects.filter(office=office, service=service, starts_at__date=day, starts_at__gt=timezone.now(),
                                booked__lt=F("capacity")).order_by("starts_at"))


def next_free_days(*, office: Office, service: str, start: dt.date | None = None, limit: int = 5) -> list[FreeDay]:
    """The next days with free places of a service, with how many: one grouped query."""
    start = start or timezone.localdate()
    rows = (
        Slot.objects.filter(office=office, service=service, starts_at__gt=timezone.now(), starts_at__date__gte=start,
                            booked__lt=F("capacity"))
        .annotate(day=TruncDate("starts_at"))
        .values("day").annotate(free=Sum(F("capacity") - F("booked"))).order_by("day")[:limit]
    )
    return [FreeDay(day=row["day"], free=row["free"]) for row in rows]


def appointment_booked(*, record_kind: str, record_id: int, service: str | None = None) -> Appointment | None:
    """The record's BOOKED cita, if any (with its turn and sede)."""
    qs = Appointment.objects.select_related("slot__office").filter(
        record_kind=record_kind, record_id=record_id, status=Appointment.Status.BOOKED)
    if service is not None:
        qs = qs.filter(service=service)
    return qs.first()


def office_appointments_on(*, office: Office, day: dt.date | None = None, service: str | None = None,
                           record_kind: str | None = None) -> QuerySet[Appointment]:
    """The sede's citas of a day (today by default) not moved or cancelled, in turn order."""
    day = day or timezone.localdate()
    qs = (Appointment.objects.filter(slot__office=office, slot__starts_at__date=day)
          .exclude(status__in=CLOSED_BY_MOVE).select_related("slot", "user").order_by("slot__starts_at", "id"))
    if service is not None:
        qs = qs.filter(service=service)
    if record_kind is not None:
        qs = qs.filter(record_kind=record_kind)
    return qs


@dataclass(frozen=True)
class DayHours:
    """A weekday's opening hours at a sede (`opens` None: closed that day)."""

    weekday: int  # 0 = Monday
    label: str
    opens: dt.time | None
    closes: dt.time | None


def office_week_hours(office: Office) -> list[DayHours]:
    """The sede's hours Monday to Friday (an override per weekday, else the sede's own); weekends are closed."""
    from .models import OpeningHours
    from .services import _as_time

    overrides = {h.weekday: h for h in OpeningHours.objects.filter(office=office)}
    week = []
    for weekday, label in OpeningHours.Weekday.choices:
        override = overrides.get(weekday)
        if override is not None and override.closed:
            week.append(DayHours(weekday, str(label), None, None))
            continue
        opens = _as_time(override.opens_at if override and override.opens_at else office.opens_at)
        closes = _as_time(override.closes_at if override and override.closes_at else office.closes_at)
        week.append(DayHours(weekday, str(label), opens, closes))
    return week


def office_hours_text(office: Office) -> str:
    """The week's hours in words, consecutive days with the same hours together: "lunes a viernes, 08:00 a 16:00"."""
    from django.utils.translation import gettext as _

    groups: list[list[DayHours]] = []
    for day in office_week_hours(office):
        if groups and (groups[-1][-1].opens, groups[-1][-1].closes) == (day.opens, day.closes):
            groups[-1].append(day)
        else:
            groups.append([day])
    parts = []
    for group in groups:
        first, last = group[0], group[-1]
        days = first.label if first is last else _("%(first)s a %(last)s") % {"first": first.label, "last": last.label}
        if first.opens is None:
            parts.append(_("%(days)s: cerrado") % {"days": days})
        else:
            parts.append(_("%(days)s, %(opens)s a %(closes)s") % {
                "days": days, "opens": first.opens.strftime("%H:%M"), "closes": first.closes.strftime("%H:%M")})
    return "; ".join(parts)


def appointment_reference(appointment: Appointment) -> str:
    """The cita's reference as the person quotes it at the counter."""
    return f"CITA-{appointment.pk:07d}"


def appointment_ends_at(appointment: Appointment) -> dt.datetime:
    return appointment.slot.starts_at + dt.timedelta(minutes=appointment.slot.office.slot_minutes)
