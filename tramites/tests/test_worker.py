"""Automatic procedures on a real Celery worker: the movement certificate is issued within 2 s of the
bank's payment notification, and the contracts permit within 2 s of the submit."""
import time

import pytest
from django.utils import timezone

from pagos.models import Payment
from pagos.tests.factories import notify
from pasaporte.tests.test_worker import _wait, _worker_settled
from tramites import services
from tramites.models import Case, CaseAct

from .conftest import account

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
S = Case.Status


@pytest.fixture
def settled():
    yield
    _worker_settled()


def _decided(case_id: int) -> Case:
    return _wait(lambda: Case.objects.filter(pk=case_id, status=S.EFFECTS_APPLIED).first(),
                 "the case was not decided", timeout_s=20)


def test_the_movement_certificate_is_issued_within_two_seconds_of_the_payment(
        visitor, external_systems, celery_worker_process, client, settled):
    user = account(visitor)
    case = services.case_draft_start(user=user, procedure_code="CERTIFICADO_MOVIMIENTO_MIGRATORIO", actor=user)
    # given: an order at the bank (pending) and the case submitted while it waits for the payment
    order = services.case_pay_order(user=user, case_id=case.pk, notify_url="http://127.0.0.1:9/none",
                                    return_url="", actor=user)
    services.case_submit(user=user, case_id=case.pk, submit_key="cert", actor=user)
    time.sleep(0.5)
    assert Case.objects.get(pk=case.pk).status == S.FILED  # nothing is issued before the bank pays
    # when: the bank notifies the payment
    paid_at = time.monotonic()
    response = notify(client, {"notification_id": "N-CERT-1", "order_id": order.order_id,
                               "receipt_number": "2900777", "amount": "15.10", "fee_code": "07561",
                               "payer_dni": "AV1234567", "paid_at": timezone.now().isoformat()})
    assert response.status_code == 200, response.content
    decided = _decided(case.pk)
    elapsed = time.monotonic() - paid_at
    # then: the signed certificate is in the case within 2 s, deposited for her
    assert Payment.objects.get(pk=order.pk).status == Payment.Status.PAID
    act = decided.acts.get(kind=CaseAct.Kind.CERTIFICADO)
    assert act.document is not None and act.notice.recipient_id == user.pk
    assert elapsed < 2.0, f"certificate issued {elapsed:.2f} s after the payment"


def test_the_contracts_permit_is_issued_within_two_seconds_of_the_submit(visitor, celery_worker_process, settled):
    user = account(visitor)
    case = services.case_draft_start(user=user, procedure_code="PERMISO_FIRMAR_CONTRATOS", actor=user)
    services.case_draft_save(user=user, case_id=case.pk, data={"contraparte": "Constructora Andina SAC"},
                             actor=user)
    started = time.monotonic()
    services.case_submit(user=user, case_id=case.pk, submit_key="pefc", actor=user)
    decided = _decided(case.pk)
    elapsed = time.monotonic() - started
    assert decided.acts.filter(kind=CaseAct.Kind.PERMISO, document__isnull=False).exists()
    assert elapsed < 2.0, f"permit issued {elapsed:.2f} s after the submit"
