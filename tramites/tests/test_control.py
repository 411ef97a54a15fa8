"""A travel permit granted by the Agencia Digital is the one control honours at the exit."""
import datetime as dt

import pytest
from django.utils import timezone

from control.models import Check, Crossing
from control.tests.conftest import _portal_pki, control_pki, crossing_points, td3  # noqa: F401 - fixtures
from control.tests.test_pages import _counter, officer_client  # noqa: F401 - the fixture
from rim import services as rim_services
from tramites import services
from tramites.models import Case

from .conftest import account

pytestmark = pytest.mark.django_db(transaction=True)

TRAVELLER = dict(number="VE7654321", state="VEN", surname="BRICENO RONDON", given="YUSNEIDY",
                 birth=dt.date(1992, 11, 8), sex="F")


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def cpp_traveller(crossing_points, office):
    person = rim_services.person_create(actor="sistema:prueba", given_names="YUSNEIDY", first_surname="BRICEÑO",
                                        second_surname="RONDÓN", birth_date=TRAVELLER["birth"], sex="F",
                                        nationality="VEN")
    passport = rim_services.document_add(actor="sistema:prueba", person=person, kind="PASAPORTE_EXTRANJERO",
                                         number="VE7654321", issuing_state="VEN", expiry_date=_days(900))
    rim_services.movement_record(actor="sistema:prueba", person=person, direction="ENTRY",
                                 crossing_point=crossing_points["AIJCH"], channel="COUNTER", document=passport,
                                 occurred_at=timezone.now() - dt.timedelta(days=240))
    rim_services.residence_status_set(actor="sistema:prueba", person=person, calidad="CPP", valid_from=_days(-150),
                                      valid_until=_days(365), reference="CPP-2026-0931127")
    return person


def test_a_cpp_holder_leaves_with_the_permit_of_her_case_and_is_referred_without_it(
        officer_client, cpp_traveller, external_systems, bank_receipt):
    # given: without a permit, her exit is referred
    _counter(officer_client, mrz="\n".join(td3(**TRAVELLER)), direction="EXIT")
    refused = Crossing.objects.get()
    assert refused.decision == "REFER"
    assert Check.objects.get(crossing=refused, name="special_travel_permit").result == "FAIL"
    Crossing.objects.all().delete()
    # when: she files the permiso especial de viaje online, pays by receipt and submits
    user = account(cpp_traveller)
    case = services.case_draft_start(user=user, procedure_code="PERMISO_ESPECIAL_VIAJE", actor=user)
    services.case_draft_save(user=user, case_id=case.pk, actor=user, data={
        "salida": timezone.localdate().isoformat(), "dias": "15", "destino": "Colombia"})
    number, date = bank_receipt(amount="20.20", fee_code="07572", payer="VE7654321")
    services.case_pay_receipt(user=user, case_id=case.pk, receipt_number=number, payment_date=date, actor=user)
    services.case_submit(user=user, case_id=case.pk, submit_key="viaje", actor=user)
    case.refresh_from_db()
    assert case.status == Case.Status.EFFECTS_APPLIED
    # then: at the counter her exit passes, naming the permit of her case
    _counter(officer_client, mrz="\n".join(td3(**TRAVELLER)), direction="EXIT")
    crossing = Crossing.objects.get()
    assert crossing.decision == "PASS", crossing.reasons
    check = Check.objects.get(crossing=crossing, name="special_travel_permit")
    assert check.result == "PASS" and case.number in check.reason
