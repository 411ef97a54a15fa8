"""A cita changes state only through its workflow machine: a close from a state it does not start from is
refused with 409 and leaves the cita, its turn and the audit log as they were."""
import datetime as dt

import pytest
from django.utils import timezone

from auditoria.models import AuditEntry
from citas import services
from citas.audit_actions import AuditAction
from citas.models import Appointment, Service, Slot
from workflow.machine import TransitionNotAllowed

pytestmark = pytest.mark.django_db
KIND = "pruebas.expediente"


def _booked(citizen, sede, *, hours_ahead=48):
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=hours_ahead)
    slot = Slot.objects.create(office=sede, service=Service.PASSPORT_ENROLLMENT, starts_at=starts, capacity=2)
    return services.appointment_book(actor=citizen, service=Service.PASSPORT_ENROLLMENT, slot_id=slot.pk,
                                     record_kind=KIND, record_id=2, user_id=citizen.pk, document=citizen.dni)


def test_booking_and_cancelling_write_the_audit_entries_of_the_registry(citizen, sede, record_kind):
    appointment = _booked(citizen, sede)
    services.appointment_cancel(actor=citizen, appointment_id=appointment.pk, reason="viaje")
    entries = list(AuditEntry.objects.filter(object_type="citas.appointment", object_id=str(appointment.pk))
                   .order_by("id").values_list("action", "details__from", "details__to"))
    assert entries == [(AuditAction.APPOINTMENT_BOOK, "", "BOOKED"),
                       (AuditAction.APPOINTMENT_CANCEL, "BOOKED", "CANCELLED")]
    assert record_kind == [(2, "booked", "BOOKED"), (2, "cancelled", "CANCELLED")]


@pytest.mark.parametrize("close", ["attend", "cancel", "no_show", "reschedule"])
def test_a_closed_cita_is_not_closed_again(citizen, sede, record_kind, close):
    # Given a cita the citizen cancelled (its place given back)
    appointment = _booked(citizen, sede)
    services.appointment_cancel(actor=citizen, appointment_id=appointment.pk, reason="viaje")
    other = Slot.objects.create(office=sede, service=Service.PASSPORT_ENROLLMENT, capacity=2,
                                starts_at=timezone.now() + dt.timedelta(days=3))
    entries = AuditEntry.objects.count()
    calls = {
        "attend": lambda: services.appointment_attend(actor="oficial", appointment_id=appointment.pk),
        "cancel": lambda: services.appointment_cancel(actor=citizen, appointment_id=appointment.pk),
        "no_show": lambda: services.appointment_no_show(actor="sistema:no_show", appointment_id=appointment.pk),
        "reschedule": lambda: services.appointment_reschedule(actor=citizen, appointment_id=appointment.pk,
                                                              slot_id=other.pk),
    }
    # When anyone tries to close it again
    with pytest.raises(TransitionNotAllowed) as refused:
        calls[close]()
    # Then it is a 409 saying the cita is no longer in force, and nothing is written
    assert refused.value.status == 409 and refused.value.code == "transition_not_allowed"
    assert "no está vigente" in str(refused.value)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.reason == "viaje"
    assert AuditEntry.objects.count() == entries
    assert Slot.objects.get(pk=appointment.slot_id).booked == 0 and Slot.objects.get(pk=other.pk).booked == 0
    assert Appointment.objects.count() == 1
    assert record_kind == [(2, "booked", "BOOKED"), (2, "cancelled", "CANCELLED")]


def test_a_reschedule_closes_the_old_cita_and_books_the_new_one_naming_both_turns(citizen, sede, record_kind):
    old = _booked(citizen, sede)
    other = Slot.objects.create(office=sede, service=Service.PASSPORT_ENROLLMENT, capacity=2,
                                starts_at=timezone.now() + dt.timedelta(days=3))
    new = services.appointment_reschedule(actor=citizen, appointment_id=old.pk, slot_id=other.pk)
    old.refresh_from_db()
    assert old.status == Appointment.Status.RESCHEDULED and new.status == Appointment.Status.BOOKED
    moved = AuditEntry.objects.get(action=AuditAction.APPOINTMENT_RESCHEDULE)
    assert moved.object_id == str(new.pk)
    assert (moved.details["from_slot"], moved.details["to_slot"]) == (old.slot_id, other.pk)
    assert AuditEntry.objects.get(action=AuditAction.APPOINTMENT_REPLACED).object_id == str(old.pk)
    assert Slot.objects.get(pk=old.slot_id).booked == 0 and Slot.objects.get(pk=other.pk).booked == 1
