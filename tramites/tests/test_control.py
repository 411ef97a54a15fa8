"""A travel permit granted by the Agencia Digital is the one control honours at the exit."""
import pytest
from django.utils import timezone

from control.models import Check, Crossing
from control.tests.conftest import _portal_pki, control_pki, crossing_points, td3  # noqa: F401 - fixtures
from control.tests.test_pages import _counter, officer_client  # noqa: F401 - the fixture
from control.tests.test_residence_control import VENEZUELAN as TRAVELLER, cpp_holder  # noqa: F401 - the fixture
from tramites import services
from tramites.models import Case

from .conftest import account

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cpp_holder_leaves_with_the_permit_of_her_case_and_is_referred_without_it(
        officer_client, cpp_holder, office, external_systems, bank_receipt):
    # given: without a permit, her exit is referred
    _counter(officer_client, mrz="\n".join(td3(**TRAVELLER)), direction="EXIT")
    refused = Crossing.objects.get()
    assert refused.decision == "REFER"
    assert Check.objects.get(crossing=refused, name="special_travel_permit").result == "FAIL"
    Crossing.objects.all().delete()
    # when: she files the permiso especial de viaje online, pays by receipt and submits
    user = account(cpp_holder)
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
