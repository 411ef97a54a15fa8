"""Orders paid on the bank's page: the signed notification is verified (bad signature or stale: 400 and
nothing recorded), applied once however often it comes, and checked against the order."""
import time

import pytest
import requests

from auditoria.models import AuditEntry
from pagos import services
from pagos.models import Payment

from .factories import NOTIFY, OLD_NOTIFY
from .factories import notify as _notify

pytestmark = pytest.mark.django_db
CE = "001234567"


@pytest.fixture
def order(carne_purpose, external_systems):
    return services.payment_order_create(
        actor="test", purpose_kind="carne.tramite", purpose_id="77", procedure="DUPLICADO_CARNE",
        payer_document_type="CE", payer_document_number=CE, notify_url="http://127.0.0.1:9/nowhere")


def _note(payment: Payment, **changes) -> dict:
    note = {"notification_id": "N-1", "order_id": payment.order_id, "receipt_number": "2900001", "amount": "20.20",
            "fee_code": "07561", "payer_dni": CE, "paid_at": "2026-03-02T10:00:00-05:00"}
    note.update(changes)
    return note


def test_an_order_is_created_at_the_bank_for_the_fee_in_force_and_reused_while_pending(order, carne_purpose):
    assert (order.status, order.amount, order.fee.code) == (Payment.Status.PENDING, order.fee.amount, "07561")
    page = requests.get(order.pay_url, timeout=5).text
    assert "Pagar S/ 20.20" in page and "07561" in page
    again = services.payment_order_create(
        actor="test", purpose_kind="carne.tramite", purpose_id="77", procedure="DUPLICADO_CARNE",
        payer_document_type="CE", payer_document_number=CE, notify_url="http://127.0.0.1:9/nowhere")
    assert again.pk == order.pk


def test_a_bad_signature_or_a_stale_timestamp_is_a_400_and_nothing_is_recorded(client, order, carne_purpose):
    audit_before = AuditEntry.objects.count()
    forged = _notify(client, _note(order), secret="otro-secreto")
    assert forged.status_code == 400 and forged.json()["fields"] == {"signature": "bad_signature"}
    stale = _notify(client, _note(order), ts=int(time.time()) - 3600)
    assert stale.status_code == 400 and stale.json()["fields"] == {"timestamp": "stale_timestamp"}
    order.refresh_from_db()
    assert (order.status, order.receipt_number, order.notification_id) == (Payment.Status.PENDING, None, None)
    assert AuditEntry.objects.count() == audit_before and carne_purpose.calls == []


def test_a_notification_for_another_amount_or_person_is_refused_with_the_reason(client, order, carne_purpose):
    wrong = _notify(client, _note(order, amount="15.10", payer_dni="009876543"))
    assert wrong.status_code == 400
    assert "15.10" in wrong.json()["fields"]["amount"] and "otra persona" in wrong.json()["fields"]["payer_dni"]
    assert Payment.objects.get(pk=order.pk).status == Payment.Status.PENDING and carne_purpose.calls == []


def test_the_genuine_notification_repeated_on_both_addresses_pays_once(client, order, carne_purpose):
    # the bank may repeat it, with other notification ids, on the new or the old (pasaporte's) address
    answers = [_notify(client, _note(order, notification_id=f"N-{i % 3}"), path=(NOTIFY, OLD_NOTIFY)[i % 2])
               for i in range(8)]
    assert [a.status_code for a in answers] == [200] * 8
    assert {a.json()["status"] for a in answers} == {"PAID"}
    order.refresh_from_db()
    assert (order.status, order.receipt_number, order.purpose_id) == (Payment.Status.PAID, "2900001", f"REC-{order.pk}")
    assert carne_purpose.calls == [order.pk]
    assert AuditEntry.objects.filter(action=services.AuditAction.PAID, object_id=str(order.pk)).count() == 1
