"""Writes of the appointments rail: turns from a sede's hours and counters on business days, and citas
booked, rescheduled, cancelled, attended or released as no-shows; a turn is never overfilled."""
from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from calendario.errors import CalendarYearNotLoaded
from calendario.services import is_business_day
from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from cuentas.models import Office

from . import hooks
from .audit_actions import AuditAction
from .models import Appointment, Counter, OpeningHours, SedeProfile, Service, Slot
from .workflows import APPOINTMENT

logger = logging.getLogger(__name__)
BOOKING_HORIZON_DAYS = 30
NO_SHOW_GRACE = dt.timedelta(hours=2)
NO_SHOW_ACTOR = "sistema:no_show"


def _as_time(value: dt.time | str) -> dt.time:
    # A sede created in code and not reloaded still holds its field default, a string.
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def sede_region(office: Office) -> str:
    return SedeProfile.objects.filter(office=office).values_list("region", flat=True).first() or ""


def service_capacity(office: Office, service: str) -> int:
    """Places per turn: the sede's active counters offering the service; a sede with no counters listed
    offers every service at all its `counters`."""
    counters = list(Counter.objects.filter(office=office, active=True).values_list("services", flat=True))
    if not counters:
        return office.counters
    return sum(1 for services in counters if service in services)


def slot_times(office: Office, day: dt.date, *, hours: dict[int, OpeningHours] | None = None,
               region: str | None = None) -> list[dt.datetime]:
    """The start of every turn of a sede on a day: business days only (calendario, the sede's region),
    the weekday's hours (an override, else the sede's), turns of the sede's length."""
    if not office.active:
        return []
    try:
        if not is_business_day(day, region=sede_region(office) if region is None else region):
            return []
    except CalendarYearNotLoaded:
        logger.warning("citas: no turns for %s, its calendar year is not loaded", day.isoformat())
        return []
    if hours is None:
        hours = {h.weekday: h for h in OpeningHours.objects.filter(office=office)}
    override = hours.get(day.weekday())
    if override is not None and override.closed:
        return []
    opens = _as_time(override.opens_at if override and override.opens_at else office.opens_at)
    closes = _as_time(override.closes_at if override and override.closes_at else office.closes_at)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, opens), tz)
    end = timezone.make_aware(dt.datetime.combine(day, closes), tz)
    step = dt.timedelta(minutes=office.slot_minutes)
    times = []
    while start + step <= end:
        times.append(start)
        start += step
    return times


def slots_generate(*, office: Office, service: str, days: list[dt.date] | None = None) -> int:
    """Create the sede's turns of a service on these days (default: the booking horizon); days that already
    have turns are kept as they are. Returns how many turns were created."""
    if service not in Service.values:
        raise ValidationFailed(_("Servicio desconocido."), fields={"service": _("Servicio desconocido.")})
    if days is None:
        today = timezone.localdate()
        days = [today + dt.timedelta(days=n) for n in range(BOOKING_HORIZON_DAYS + 1)]
    capacity = service_capacity(office, service)
    if capacity == 0:
        return 0
    tz = timezone.get_current_timezone()
    have = {timezone.localtime(t, tz).date() for t in Slot.objects.filter(
        office=office, service=service, starts_at__date__in=days).values_list("starts_at", flat=True).distinct()}
    missing = [day for day in days if day not in have]
    if not missing:
        return 0
    hours = {h.weekday: h for h in OpeningHours.objects.filter(office=office)}
    region = sede_region(office)
    slots = [Slot(office=office, service=service, starts_at=t, capacity=capacity) for day in missing
             for t in slot_times(office, day, hours=hours, region=region)]
    Slot.objects.bulk_create(slots, ignore_conflicts=True)
    return len(slots)


def _release(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _take(slot: Slot) -> None:
    """Take one place with a conditional UPDATE: the row lock makes concurrent takers queue."""
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        message = _("Ese turno ya no tiene cupos. Elija otro.")
        raise Conflict(message, fields={"slot": message})


def _bookable_slot(slot_id: int, service: str) -> Slot:
    slot = Slot.objects.select_related("office").filter(pk=slot_id, service=service).first()
    if slot is None:
        raise NotFound(_("El turno no existe."), fields={"slot": _("No encontrado.")})
    if slot.starts_at <= timezone.now():
        raise ValidationFailed(_("Ese turno ya pasó."), fields={"slot": _("Elija un turno futuro.")})
    return slot


def _one_active() -> Conflict:
    one = _("Ya tiene una cita vigente: reprográmela o anúlela.")
    return Conflict(one, fields={"slot": one})


@transaction.atomic
def appointment_book(*, actor: Actor, service: str, slot_id: int, record_kind: str, record_id: int,
                     user_id: int, document: str, person_id: int | None = None) -> Appointment:
    """Book a cita of a service for a record; at most one BOOKED per person and service (a database
    constraint) and never over the turn's capacity. The record's kind may refuse (hooks.may_book)."""
    hooks.may_book(record_kind, record_id)
    if Appointment.objects.filter(document=document, service=service, status=Appointment.Status.BOOKED).exists():
        raise _one_active()
    slot = _bookable_slot(slot_id, service)
    _take(slot)
    appointment = Appointment(user_id=user_id, document=document, person_id=person_id, service=service, slot=slot,
                              record_kind=record_kind, record_id=record_id)
    try:
        APPOINTMENT.create(appointment, "book", actor=actor, details={
            "office": slot.office.code, "service": service, "starts_at": slot.starts_at.isoformat()})
    except IntegrityError as exc:
        raise _one_active() from exc
    hooks.changed(appointment, "booked", actor)
    return appointment


def _locked_booked(appointment_id: int, transition: str) -> Appointment:
    """The cita, locked, if `transition` may start from its state (else 409, nothing written)."""
    appointment = APPOINTMENT.lock(appointment_id, not_found=_("La cita no existe."))
    APPOINTMENT.refuse_unless(appointment, transition)
    return appointment


def _close(appointment: Appointment, transition: str, *, actor: Actor, reason: str = "",
           details: dict | None = None, release: bool = False) -> Appointment:
    """Close a locked BOOKED cita through its machine; `release` gives its place back in the same step."""
    return APPOINTMENT.apply(
        appointment, transition, actor=actor, reason=reason,
        changes={"reason": reason[:300], "closed_at": timezone.now()}, details=details,
        work=(lambda closed: _release(closed.slot_id)) if release else None)


@transaction.atomic
def appointment_reschedule(*, actor: Actor, appointment_id: int, slot_id: int) -> Appointment:
    """Move a BOOKED cita to another turn of its service: the old one becomes RESCHEDULED and its place is
    released in the same transaction; the new cita is the one BOOKED."""
    old = _locked_booked(appointment_id, "reschedule")
    if old.slot_id == slot_id:
        raise ValidationFailed(_("Elija un turno distinto del actual."), fields={"slot": _("Es el turno actual.")})
    slot = _bookable_slot(slot_id, old.service)
    _take(slot)
    _close(old, "reschedule", actor=actor, details={"to_slot": slot.pk}, release=True)
    appointment = Appointment(user_id=old.user_id, document=old.document, person_id=old.person_id,
                              service=old.service, slot=slot, record_kind=old.record_kind, record_id=old.record_id)
    APPOINTMENT.create(appointment, "book_rescheduled", actor=actor,
                       details={"from_slot": old.slot_id, "to_slot": slot.pk, "replaces": old.pk})
    hooks.changed(appointment, "rescheduled", actor)
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: Actor, appointment_id: int, reason: str = "") -> Appointment:
    """Cancel a BOOKED cita with its reason and give its place back."""
    appointment = _close(_locked_booked(appointment_id, "cancel"), "cancel", actor=actor, reason=reason,
                         release=True)
    hooks.changed(appointment, "cancelled", actor)
    return appointment


@transaction.atomic
def appointment_attend(*, actor: Actor, appointment_id: int) -> Appointment:
    """The citizen came to the counter: the cita ends as attended (its place stays taken)."""
    appointment = _close(_locked_booked(appointment_id, "attend"), "attend", actor=actor)
    hooks.changed(appointment, "attended", actor)
    return appointment


@transaction.atomic
def appointment_no_show(*, actor: Actor, appointment_id: int) -> Appointment:
    """The citizen did not come: the cita ends, the place is released and they may book again."""
    appointment = _locked_booked(appointment_id, "no_show")
    if appointment.slot.starts_at > timezone.now():
        raise ValidationFailed(_("La cita aún no ha comenzado."), fields={"appointment": _("Turno futuro.")})
    _close(appointment, "no_show", actor=actor, details={"office": appointment.slot.office_id}, release=True)
    hooks.changed(appointment, "no_show", actor)
    return appointment


def appointment_no_show_release(*, grace: dt.timedelta = NO_SHOW_GRACE) -> int:
    """Periodic: BOOKED citas whose turn started more than `grace` ago become no-shows, their places
    released. Idempotent: a cita attended or cancelled meanwhile is left as it is."""
    cutoff = timezone.now() - grace
    ids = list(Appointment.objects.filter(status=Appointment.Status.BOOKED, slot__starts_at__lt=cutoff)
               .values_list("pk", flat=True))
    released = 0
    for appointment_id in ids:
        try:
            appointment_no_show(actor=NO_SHOW_ACTOR, appointment_id=appointment_id)
            released += 1
        except Conflict:
            continue
    return released


@transaction.atomic
def sede_services_load(*, actor: Actor, office: Office, counters: list[list[str]], region: str = "",
                       hours: dict[int, tuple[str, str] | None] | None = None) -> None:
    """Declare a sede's counters (one list of services each, numbered from 1), its region and weekday hours
    (weekday -> (opens, closes), None for closed); replaces what was declared before."""
    for services in counters:
        unknown = [s for s in services if s not in Service.values]
        if unknown:
            raise ValidationFailed(_("Servicio desconocido."), fields={"services": ", ".join(unknown)})
    Counter.objects.filter(office=office).delete()
    for number, services in enumerate(counters, start=1):
        counter = Counter(office=office, number=number, services=list(services))
        counter.full_clean()
        counter.save()
    profile, _created = SedeProfile.objects.get_or_create(office=office)
    profile.region = region
    profile.full_clean()
    profile.save()
    if hours is not None:
        OpeningHours.objects.filter(office=office).delete()
        for weekday, span in hours.items():
            row = OpeningHours(office=office, weekday=weekday, closed=span is None,
                               opens_at=span[0] if span else None, closes_at=span[1] if span else None)
            row.full_clean()
            row.save()
    audit_record(actor=actor, action=AuditAction.SEDE_SERVICES_LOAD, obj=office,
                 details={"counters": len(counters), "region": region})
