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
