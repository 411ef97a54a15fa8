"""Citas: turns from the sede's hours, capacity, one active per DNI, reschedule, cancel, no-show, concurrency."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict
from pasaporte import selectors, services
from calendario.services import next_business_days
from citas.models import Appointment, Slot
from pasaporte.models import Application

from . import factories

pytestmark = pytest.mark.django_db


def _next_workday(after_days: int = 2) -> dt.date:
    # Turns exist on business days only (calendario): the second business day from today.
    return next_business_days(timezone.localdate(), after_days)[-1]


def test_turns_follow_the_sede_hours_counters_and_slot_length(office):
    # given a sede open 08:00-17:00 with 2 counters and 30-minute turns
    day = _next_workday()
    services.slots_ensure(office=office, days=[day])
    slots = list(Slot.objects.filter(office=office, starts_at__date=day))
    assert len(slots) == 18 and {s.capacity for s in slots} == {2}
    assert timezone.localtime(slots[0].starts_at).time() == dt.time(8, 0)
    assert timezone.localtime(slots[-1].starts_at).time() == dt.time(16, 30)
    # and the next free days are shown at once, with their free places
    services.slots_ensure(office=office)
    days = selectors.next_free_days(office=office, start=day)
    assert days[0].day == day and days[0].free == 36


def test_booking_fills_a_turn_to_capacity_and_no_further(office, citizen):
    slot = factories.future_slot(office, capacity=1)
    application = factories.paid_application(citizen)
    services.appointment_book(actor=citizen, application_id=application.pk, slot_id=slot.pk)
    application.refresh_from_db()
    assert application.status == Application.Status.BOOKED and application.office == office
    other = factories.citizen("40000011", email="b@example.pe")
    with pytest.raises(Conflict, match="no tiene cupos"):
        services.appointment_book(actor=other, application_id=factories.paid_application(other).pk, slot_id=slot.pk)
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_one_active_cita_per_dni_reschedule_and_cancel_release_the_place(office, citizen):
    first, second = factories.future_slot(office, hour=9), factories.future_slot(office, hour=10)
    application = factories.paid_application(citizen)
    services.appointment_book(actor=citizen, application_id=application.pk, slot_id=first.pk)
    with pytest.raises(Conflict, match="Ya tiene una cita vigente"):
        services.appointment_book(actor=citizen, application_id=application.pk, slot_id=second.pk)
    # the database refuses a second active cita for the DNI even if the check were skipped
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(user=citizen, document=citizen.dni, service=second.service, slot=second,
                                   record_kind="pasaporte.application", record_id=application.pk)
    services.appointment_reschedule(actor=citizen, application_id=application.pk, slot_id=second.pk)
    assert (Slot.objects.get(pk=first.pk).booked, Slot.objects.get(pk=second.pk).booked) == (0, 1)
    services.appointment_cancel(actor=citizen, application_id=application.pk, reason="Ya no viajo")
    assert Slot.objects.get(pk=second.pk).booked == 0
    assert not Appointment.objects.filter(document=citizen.dni, status="BOOKED").exists()


def test_a_no_show_releases_the_place_and_lets_the_citizen_book_again(office, citizen, officer, client):
    slot = factories.future_slot(office, capacity=1)
    application = factories.paid_application(citizen)
    appointment = services.appointment_book(actor=citizen, application_id=application.pk, slot_id=slot.pk)
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=20))
    factories.login_staff(client, officer)
    client.post(reverse("pasaporte:no_show", args=[appointment.pk]))
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.NO_SHOW
    assert Slot.objects.get(pk=slot.pk).booked == 0
    services.appointment_book(actor=citizen, application_id=application.pk,
                              slot_id=factories.future_slot(office, hour=11).pk)


def test_the_citizen_books_from_the_page_and_sees_the_cita(citizen_client, citizen, office):
    application = factories.paid_application(citizen)
    page = citizen_client.get(reverse("pasaporte:book"), {"sede": office.code})
    assert page.status_code == 200 and "Próximos días con cupos" in page.content.decode()
    slot = page.context["slots"][0]
    response = citizen_client.post(reverse("pasaporte:book") + f"?sede={office.code}", {"slot": slot.pk}, follow=True)
    body = response.content.decode()
    assert "Su cita está reservada." in body and office.name in body
    assert Application.objects.get(pk=application.pk).status in (Application.Status.BOOKED,
                                                                 Application.Status.VALIDATION_PENDING,
                                                                 Application.Status.OBSERVED,
                                                                 Application.Status.VALIDATED)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_bookings_for_10_places_book_exactly_10(office):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers, so it proves nothing about races")
    slot = factories.future_slot(office, capacity=10)
    people = []
    for n in range(200):
        user = factories.citizen(f"5{n:07d}", email=f"c{n}@example.pe")
        people.append((user, factories.paid_application(user, receipt=f"{8_000_000 + n}").pk))

    def book(person):
        user, application_id = person
        try:
            services.appointment_book(actor=user, application_id=application_id, slot_id=slot.pk)
            return "booked"
        except Conflict:
            return "full"
        finally:
            connections.close_all()

    from pasaporte import tasks
    original = tasks.validate_application_task.delay
    tasks.validate_application_task.delay = lambda *a, **k: None  # validation is not the subject here
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(book, people))
    finally:
        tasks.validate_application_task.delay = original
    assert results.count("booked") == 10
    assert Slot.objects.get(pk=slot.pk).booked == 10
    assert Appointment.objects.filter(slot=slot, status="BOOKED").count() == 10
