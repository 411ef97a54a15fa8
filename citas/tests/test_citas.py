"""The appointments rail: turns on business days from the sede's hours and counters, capacity never
exceeded (also under 200 concurrent bookings), one active cita per person and service, reschedule,
cancel, no-show release, the hooks of the record kind, the commands."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from calendario.services import next_business_days
from citas import selectors, services
from citas.loader import sedes_load
from citas.models import Appointment, Counter, Service, Slot
from core.errors import Conflict, ValidationFailed
from cuentas.models import Office

from .conftest import make_citizen

pytestmark = pytest.mark.django_db
KIND = "pruebas.expediente"
P = Service.PASSPORT_ENROLLMENT


def _slot(sede, *, capacity=2, hours_ahead=48, service=P) -> Slot:
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=hours_ahead)
    return Slot.objects.get_or_create(office=sede, service=service, starts_at=starts,
                                      defaults={"capacity": capacity})[0]


def _book(user, slot, record_id=2, service=P):
    return services.appointment_book(actor=user, service=service, slot_id=slot.pk, record_kind=KIND,
                                     record_id=record_id, user_id=user.pk, document=user.dni)


def test_turns_follow_the_hours_and_the_counters_offering_the_service(sede):
    day = next_business_days(timezone.localdate(), 2)[-1]
    # without counters listed, every service gets all of the sede's counters
    assert services.slots_generate(office=sede, service=P, days=[day]) == 8  # 08:00-12:00, 30 minutes
    assert {s.capacity for s in Slot.objects.filter(office=sede, service=P)} == {3}
    # with counters declared, a turn has one place per counter offering the service, and Friday closes early
    services.sede_services_load(actor="test", office=sede, counters=[[P], [P, Service.DOCUMENT_PICKUP],
                                                                     [Service.CARNE_ENROLLMENT]],
                                hours={day.weekday(): ("09:00", "10:00")})
    assert services.slots_generate(office=sede, service=Service.DOCUMENT_PICKUP, days=[day]) == 2
    pickup = list(Slot.objects.filter(office=sede, service=Service.DOCUMENT_PICKUP).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).time() for s in pickup] == [dt.time(9), dt.time(9, 30)]
    assert {s.capacity for s in pickup} == {1}
    # a day that already has turns is left as it is
    assert services.slots_generate(office=sede, service=P, days=[day]) == 0
    days = selectors.next_free_days(office=sede, service=P, start=day)
    assert days[0].day == day and days[0].free == 24


@pytest.mark.parametrize("holiday", ["2026-07-28", "2026-07-29", "2026-12-08", "2026-12-25"])
def test_no_turns_on_the_2026_national_holidays(sede, holiday):
    assert services.slots_generate(office=sede, service=P, days=[dt.date.fromisoformat(holiday)]) == 0
    assert not Slot.objects.filter(office=sede).exists()


def test_a_regional_holiday_closes_only_the_sedes_of_its_region(sede):
    cusco = Office.objects.create(code="CUS-CIT", name="Sede Cusco", address="Av. El Sol 612", city="Cusco",
                                  opens_at="08:00", closes_at="12:00", counters=2, slot_minutes=30)
    services.sede_services_load(actor="test", office=cusco, counters=[[P], [P]], region="08")
    inti_raymi, weekend = dt.date(2026, 6, 24), dt.date(2026, 6, 27)
    assert services.slots_generate(office=cusco, service=P, days=[inti_raymi, weekend]) == 0
    assert services.slots_generate(office=sede, service=P, days=[inti_raymi, weekend]) == 8


def test_booking_fills_a_turn_to_capacity_and_no_further(sede, record_kind):
    slot = _slot(sede, capacity=1)
    first, second = make_citizen(), make_citizen()
    _book(first, slot)
    with pytest.raises(Conflict, match="no tiene cupos"):
        _book(second, slot, record_id=4)
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert record_kind == [(2, "booked", "BOOKED")]


def test_the_record_kind_may_refuse_a_cita(sede, citizen, record_kind):
    slot = _slot(sede)
    with pytest.raises(Conflict, match="no admite citas"):
        _book(citizen, slot, record_id=3)
    assert Slot.objects.get(pk=slot.pk).booked == 0 and not Appointment.objects.exists()


def test_one_active_cita_per_person_and_service_is_a_database_constraint(sede, citizen, record_kind):
    slot, other = _slot(sede, hours_ahead=48), _slot(sede, hours_ahead=72)
    appointment = _book(citizen, slot)
    with pytest.raises(Conflict, match="Ya tiene una cita vigente"):
        _book(citizen, other, record_id=4)
    # the database refuses a second BOOKED cita of the service even when the check is skipped
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(user=citizen, document=citizen.dni, service=P, slot=other, record_kind=KIND,
                                   record_id=4)
    # another service is another cita
    pickup = _slot(sede, service=Service.DOCUMENT_PICKUP)
    _book(citizen, pickup, record_id=6, service=Service.DOCUMENT_PICKUP)
    assert Appointment.objects.filter(document=citizen.dni, status="BOOKED").count() == 2
    # and once cancelled the person may book the service again
    services.appointment_cancel(actor=citizen, appointment_id=appointment.pk, reason="viaje")
    _book(citizen, other, record_id=4)


def test_reschedule_keeps_one_active_cita_and_moves_the_place(sede, citizen, record_kind):
    first, second = _slot(sede, hours_ahead=48), _slot(sede, hours_ahead=72)
    old = _book(citizen, first)
    new = services.appointment_reschedule(actor=citizen, appointment_id=old.pk, slot_id=second.pk)
    assert Appointment.objects.get(pk=old.pk).status == "RESCHEDULED"
    assert list(Appointment.objects.filter(document=citizen.dni, status="BOOKED")) == [new]
    assert (Slot.objects.get(pk=first.pk).booked, Slot.objects.get(pk=second.pk).booked) == (0, 1)
    with pytest.raises(Conflict):
        services.appointment_reschedule(actor=citizen, appointment_id=old.pk, slot_id=first.pk)
    with pytest.raises(ValidationFailed):
        services.appointment_reschedule(actor=citizen, appointment_id=new.pk, slot_id=second.pk)
    assert record_kind[-1] == (2, "rescheduled", "BOOKED")


def test_cancel_frees_the_place_and_keeps_the_reason(sede, citizen, record_kind):
    slot = _slot(sede, capacity=1)
    appointment = _book(citizen, slot)
    services.appointment_cancel(actor=citizen, appointment_id=appointment.pk, reason="Ya no viajo")
    appointment.refresh_from_db()
    assert (appointment.status, appointment.reason) == ("CANCELLED", "Ya no viajo")
    assert appointment.closed_at is not None and Slot.objects.get(pk=slot.pk).booked == 0
    _book(make_citizen(), slot, record_id=4)  # the place is free for someone else
    assert record_kind[1] == (2, "cancelled", "CANCELLED")


def test_the_no_show_release_frees_places_past_the_grace_period_only(sede, record_kind):
    late, recent = _slot(sede, capacity=1, hours_ahead=48), _slot(sede, capacity=1, hours_ahead=72)
    gone, coming = _book(make_citizen(), late), _book(make_citizen(), recent, record_id=4)
    Slot.objects.filter(pk=late.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    Slot.objects.filter(pk=recent.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=30))
    assert services.appointment_no_show_release() == 1
    assert Appointment.objects.get(pk=gone.pk).status == "NO_SHOW"
    assert Appointment.objects.get(pk=coming.pk).status == "BOOKED"
    assert (Slot.objects.get(pk=late.pk).booked, Slot.objects.get(pk=recent.pk).booked) == (0, 1)
    assert (2, "no_show", "NO_SHOW") in record_kind
    assert services.appointment_no_show_release() == 0  # idempotent


def test_the_commands_make_turns_for_business_days_and_load_the_demo_counters(sede, capsys):
    for code, city in (("LIM-BRE", "Lima"), ("CUS-CEN", "Cusco")):
        Office.objects.create(code=code, name=code, address="-", city=city)
    assert sedes_load(actor="test") == ["LIM-BRE", "CUS-CEN"]
    assert Counter.objects.filter(office__code="LIM-BRE").count() == 6
    days = next_business_days(timezone.localdate(), 3)
    if days[-1].year != timezone.localdate().year:
        pytest.skip("the next business days run into a year whose calendar is not loaded")
    call_command("citas_slots", "CUS-CEN", "PASSPORT_ENROLLMENT", "--days", "3")
    made = Slot.objects.filter(office__code="CUS-CEN", service=P)
    assert {timezone.localtime(s.starts_at).date() for s in made} <= set(days)
    assert {s.capacity for s in made} == {2}
    assert "turnos" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_bookings_for_10_places_book_exactly_10(sede, record_kind):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers, so it proves nothing about races")
    slot = _slot(sede, capacity=10)
    people = [make_citizen(f"7{n:07d}") for n in range(200)]

    def book(numbered):
        n, user = numbered
        try:
            _book(user, slot, record_id=2 * n)
            return "booked"
        except Conflict:
            return "full"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(book, enumerate(people)))
    assert results.count("booked") == 10 and results.count("full") == 190
    assert Slot.objects.get(pk=slot.pk).booked == 10
    assert Appointment.objects.filter(slot=slot, status="BOOKED").count() == 10
