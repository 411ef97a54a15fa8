"""Citas at a sede: slots from its hours and counters, booking that never overfills, reschedule, cancel, no-show."""
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from cuentas.models import Office
from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from outbox.services import enqueue_task

from ..models import Application, Appointment, Slot
from .common import application_lock, application_transition, staff_check_office

S = Application.Status
# Citas can be booked while the application waits for its counter visit.
BOOKABLE = frozenset({S.PAID, S.BOOKED, S.VALIDATION_PENDING, S.OBSERVED, S.VALIDATED})
WORKDAYS = frozenset({0, 1, 2, 3, 4, 5})  # Monday to Saturday
BOOKING_HORIZON_DAYS = 30


def _as_time(value: dt.time | str) -> dt.time:
    # A sede created in code and not reloaded still holds its field default, a string.
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def slot_times(office: Office, day: dt.date) -> list[dt.datetime]:
    """The start of every turn of a sede on a day, from its opening hours and slot length."""
    if day.weekday() not in WORKDAYS or not office.active:
        return []
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, _as_time(office.opens_at)), tz)
    end = timezone.make_aware(dt.datetime.combine(day, _as_time(office.closes_at)), tz)
    step = dt.timedelta(minutes=office.slot_minutes)
    times = []
    while start + step <= end:
        times.append(start)
        start += step
    return times


def slots_ensure(*, office: Office, days: list[dt.date] | None = None) -> int:
    """Create the sede's turns for these days (default: the booking horizon); existing days are kept."""
    if days is None:
        today = timezone.localdate()
        days = [today + dt.timedelta(days=n) for n in range(BOOKING_HORIZON_DAYS + 1)]
    tz = timezone.get_current_timezone()
    have = {timezone.localtime(t, tz).date() for t in Slot.objects.filter(
        office=office, starts_at__date__in=days).values_list("starts_at", flat=True).distinct()}
    missing = [day for day in days if day not in have]
    slots = [Slot(office=office, starts_at=t, capacity=office.counters) for day in missing
             for t in slot_times(office, day)]
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


def _bookable_slot(slot_id: int) -> Slot:
    slot = Slot.objects.select_related("office").filter(pk=slot_id).first()
    if slot is None:
        raise NotFound(_("El turno no existe."), fields={"slot": _("No encontrado.")})
    if slot.starts_at <= timezone.now():
        raise ValidationFailed(_("Ese turno ya pasó."), fields={"slot": _("Elija un turno futuro.")})
    return slot


def _own(application: Application, actor: Actor) -> None:
    if getattr(actor, "pk", None) != application.user_id and not getattr(actor, "is_staff_role", False):
        raise NotFound(_("La solicitud no existe."), fields={"application": _("No encontrada.")})


@transaction.atomic
def appointment_book(*, actor: Actor, application_id: int, slot_id: int) -> Appointment:
    """Book a cita; at most one active per DNI (a database constraint) and never over capacity."""
    application = application_lock(application_id)
    _own(application, actor)
    if application.status not in BOOKABLE:
        raise Conflict(_("Esta solicitud ya no admite citas."), fields={"application": application.status})
    one = _("Ya tiene una cita vigente: reprográmela o anúlela.")
    if Appointment.objects.filter(dni=application.dni, status=Appointment.Status.ACTIVE).exists():
        raise Conflict(one, fields={"slot": one})
    slot = _bookable_slot(slot_id)
    _take(slot)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(application=application, dni=application.dni, slot=slot)
    except IntegrityError as exc:
        raise Conflict(one, fields={"slot": one}) from exc
    application.office = slot.office
    application.save(update_fields=["office", "updated_at"])
    audit_record(actor=actor, action="pasaporte.appointment_book", obj=appointment, person_id=application.person_id,
                 details={"office": slot.office.code, "starts_at": slot.starts_at.isoformat()})
    when = timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M")
    if application.status == S.PAID:
        application_transition(actor=actor, application_id=application.pk, to=S.BOOKED,
                               reason=_("Cita en %(office)s el %(when)s") % {"office": slot.office.name, "when": when})
        # Through the outbox: a broker outage at commit leaves the row for the sweep, never a booking
        # that is not validated.
        enqueue_task("pasaporte.tasks.validate_application_task", queue="validation",
                     kwargs={"application_id": application.pk})
    return appointment


def _active_appointment(application: Application) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update()
        .filter(application=application, status=Appointment.Status.ACTIVE)
        .first()
    )
    if appointment is None:
        raise NotFound(_("No tiene una cita vigente."), fields={"appointment": _("Sin cita vigente.")})
    return appointment


@transaction.atomic
def appointment_reschedule(*, actor: Actor, application_id: int, slot_id: int) -> Appointment:
    """Move the active cita to another turn; the old place is released in the same transaction."""
    application = application_lock(application_id)
    _own(application, actor)
    old = _active_appointment(application)
    if old.slot_id == slot_id:
        raise ValidationFailed(_("Elija un turno distinto del actual."), fields={"slot": _("Es el turno actual.")})
    slot = _bookable_slot(slot_id)
    _take(slot)
    _release(old.slot_id)
    old.status, old.closed_at = Appointment.Status.RESCHEDULED, timezone.now()
    old.save(update_fields=["status", "closed_at"])
    appointment = Appointment.objects.create(application=application, dni=application.dni, slot=slot)
    application.office = slot.office
    application.save(update_fields=["office", "updated_at"])
    audit_record(actor=actor, action="pasaporte.appointment_reschedule", obj=appointment,
                 person_id=application.person_id, details={"from_slot": old.slot_id, "to_slot": slot.pk})
    return appointment


@transaction.atomic
def appointment_cancel(*, actor: Actor, application_id: int) -> Appointment:
    """Cancel the active cita and give its place back."""
    application = application_lock(application_id)
    _own(application, actor)
    appointment = _active_appointment(application)
    appointment.status, appointment.closed_at = Appointment.Status.CANCELLED, timezone.now()
    appointment.save(update_fields=["status", "closed_at"])
    _release(appointment.slot_id)
    audit_record(actor=actor, action="pasaporte.appointment_cancel", obj=appointment, person_id=application.person_id)
    return appointment


@transaction.atomic
def appointment_mark_no_show(*, actor: Actor, appointment_id: int) -> Appointment:
    """The citizen did not come: the cita ends, the place is released and they may book again."""
    appointment = Appointment.objects.select_for_update().select_related("slot").filter(pk=appointment_id).first()
    if appointment is None:
        raise NotFound(_("La cita no existe."), fields={"appointment": _("No encontrada.")})
    staff_check_office(actor=actor, office_id=appointment.slot.office_id)
    if appointment.status != Appointment.Status.ACTIVE:
        raise Conflict(_("La cita no está vigente."), fields={"appointment": _("No vigente.")})
    if appointment.slot.starts_at > timezone.now():
        raise ValidationFailed(_("La cita aún no ha comenzado."), fields={"appointment": _("Turno futuro.")})
    appointment.status, appointment.closed_at = Appointment.Status.NO_SHOW, timezone.now()
    appointment.save(update_fields=["status", "closed_at"])
    _release(appointment.slot_id)
    audit_record(actor=actor, action="pasaporte.appointment_no_show", obj=appointment,
                 person_id=Application.objects.filter(pk=appointment.application_id).values_list(
                     "person_id", flat=True).first(), details={"office": appointment.slot.office_id})
    return appointment


def appointments_release_no_shows(*, grace: dt.timedelta = dt.timedelta(hours=2)) -> int:
    """Periodic: active citas whose turn ended more than `grace` ago become no-shows."""
    cutoff = timezone.now() - grace
    ids = list(Appointment.objects.filter(status=Appointment.Status.ACTIVE, slot__starts_at__lt=cutoff)
               .values_list("pk", flat=True))
    for appointment_id in ids:
        try:
            appointment_mark_no_show(actor="sistema:no_show", appointment_id=appointment_id)
        except Conflict:
            continue  # attended or cancelled meanwhile
    return len(ids)
