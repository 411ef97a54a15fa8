"""The move into citas keeps every turn and cita (ids kept, ACTIVE becoming BOOKED, the application named as
the record served) and moves PostgreSQL's sequences on; the way back restores pasaporte's rows."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from citas.models import Appointment, Service, Slot
from cuentas.models import Office
from pasaporte.services.appointments import RECORD_KIND

BEFORE = [("pasaporte", "0006_application_payment_pagos")]
STARTS = dt.datetime(2026, 3, 2, 14, tzinfo=dt.timezone.utc)


def _old_rows(apps) -> dict:
    """Rows as pasaporte kept them before the move (ids far from any the tests use)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="70000077", dni="70000077")  # cuentas is not rolled back
    office = Office.objects.create(code="MOV-1", name="Sede", address="-", city="Lima")
    fee = apps.get_model("pagos", "Fee").objects.filter(code="07561").first() or apps.get_model("pagos", "Fee").objects.first()
    payment = apps.get_model("pagos", "Payment").objects.create(
        purpose_kind="pasaporte.solicitud", payer_document_type="DNI", payer_document_number="70000077", fee=fee,
        amount=Decimal("120.90"), method="ORDER", status="PENDING", reference="MOV-ORD-1")
    application = apps.get_model("pasaporte", "Application").objects.create(
        id=810900, user_id=user.pk, dni="70000077", payment=payment, person_id=4242)
    OldSlot, OldAppointment = apps.get_model("pasaporte", "Slot"), apps.get_model("pasaporte", "Appointment")
    first = OldSlot.objects.create(id=910001, office_id=office.pk, starts_at=STARTS, capacity=4, booked=1)
    second = OldSlot.objects.create(id=910002, office_id=office.pk, starts_at=STARTS + dt.timedelta(minutes=20),
                                    capacity=4, booked=1)
    moved = OldAppointment.objects.create(id=920001, application=application, dni="70000077", slot=first,
                                          status="RESCHEDULED", closed_at=STARTS)
    active = OldAppointment.objects.create(id=920002, application=application, dni="70000077", slot=second)
    return {"slots": [first.pk, second.pk], "moved": moved.pk, "active": active.pk, "application": application.pk,
            "user": user.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_move_into_citas_keeps_every_turn_and_cita_with_its_id():
    if connection.vendor != "postgresql":
        pytest.skip("the sequences and the executor's round trip are checked on PostgreSQL")
    call_command("migrate", "pasaporte", BEFORE[0][1], verbosity=0)
    try:
        old_state = MigrationExecutor(connection).loader.project_state(BEFORE)
        ids = _old_rows(old_state.apps)
        call_command("migrate", verbosity=0)
        # every turn is in citas with its id, as a passport enrollment turn, places kept
        slots = list(Slot.objects.filter(pk__in=ids["slots"]).order_by("pk"))
        assert [(s.pk, s.service, s.capacity, s.booked, s.starts_at) for s in slots] == [
            (ids["slots"][0], Service.PASSPORT_ENROLLMENT, 4, 1, STARTS),
            (ids["slots"][1], Service.PASSPORT_ENROLLMENT, 4, 1, STARTS + dt.timedelta(minutes=20))]
        # every cita with its id, the application as its record, its owner and person, ACTIVE now BOOKED
        active = Appointment.objects.get(pk=ids["active"])
        assert (active.record_kind, active.record_id, active.user_id, active.document, active.person_id,
                active.status, active.slot_id) == (RECORD_KIND, ids["application"], ids["user"], "70000077", 4242,
                                                   "BOOKED", ids["slots"][1])
        assert Appointment.objects.get(pk=ids["moved"]).status == "RESCHEDULED"
        # and new rows get ids after the copied ones
        fresh = Slot.objects.create(office=slots[0].office, service=Service.DOCUMENT_PICKUP, starts_at=STARTS,
                                    capacity=1)
        assert fresh.pk > ids["slots"][1]
        fresh.delete()
        # the way back restores pasaporte's rows and empties citas of them
        call_command("migrate", "pasaporte", BEFORE[0][1], verbosity=0)
        back = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        assert back.get_model("pasaporte", "Appointment").objects.get(pk=ids["active"]).status == "ACTIVE"
        assert back.get_model("pasaporte", "Slot").objects.filter(pk__in=ids["slots"]).count() == 2
        assert not Appointment.objects.filter(pk__in=[ids["active"], ids["moved"]]).exists()
    finally:
        call_command("migrate", verbosity=0)
