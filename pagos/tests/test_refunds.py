"""Refunds: a supervisor (who holds pagos.refund_payment through the roles) records one with its reason;
nobody else can, and no more than was paid is given back."""
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from auditoria.models import AuditEntry
from cuentas.services import roles_ensure, user_role_add
from pagos.models import Payment, Refund
from pagos.services import AuditAction

from . import factories

pytestmark = pytest.mark.django_db


def _staff(username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="Servidor-2026!", is_staff=True)
    user_role_add(user=user, role=role)
    return user


@pytest.fixture
def staff_api(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(user):
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
        return client

    return login


def test_the_supervisors_role_holds_the_refund_permission():
    roles_ensure()
    assert Group.objects.get(name="supervisor").permissions.filter(codename="refund_payment").exists()
    assert not Group.objects.get(name="officer").permissions.filter(codename="refund_payment").exists()


def test_a_supervisor_refunds_a_payment_with_its_reason(staff_api):
    payment = factories.paid_payment(receipt_number="6600001")
    client = staff_api(_staff("supervisora", "supervisor"))
    # when the supervisor records the refund (art. 136: a filing counted as not filed is refunded)
    response = client.post(f"/api/v1/pagos/{payment.pk}/devolucion",
                           {"reason": "Solicitud no presentada: no subsanó la observación"},
                           content_type="application/json")
    # then it is recorded with the reason and who decided, and the payment reads refunded
    assert response.status_code == 201, response.content
    assert response.json()["payment_status"] == "REFUNDED"
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.actor_repr) == (Decimal("20.20"), "supervisora")
    assert "no subsanó" in refund.reason
    entry = AuditEntry.objects.get(action=AuditAction.REFUND, object_id=str(payment.pk))
    assert entry.details["reason"] == refund.reason
    # its receipt stays used: a refund does not make it serve twice
    assert Payment.objects.get(pk=payment.pk).receipt_number == "6600001"
    # a second refund of the same payment is refused
    again = client.post(f"/api/v1/pagos/{payment.pk}/devolucion", {"reason": "otra vez"},
                        content_type="application/json")
    assert again.status_code == 409 and Refund.objects.count() == 1


def test_a_partial_refund_and_never_more_than_was_paid(staff_api):
    payment = factories.paid_payment(receipt_number="6600002")
    client = staff_api(_staff("supervisor2", "supervisor"))
    part = client.post(f"/api/v1/pagos/{payment.pk}/devolucion", {"reason": "cobro en exceso", "amount": "5.10"},
                       content_type="application/json")
    assert part.status_code == 201 and part.json()["payment_status"] == "PAID"
    too_much = client.post(f"/api/v1/pagos/{payment.pk}/devolucion", {"reason": "resto", "amount": "20.00"},
                           content_type="application/json")
    assert too_much.status_code == 400 and "15.10" in too_much.json()["message"]
    without_reason = client.post(f"/api/v1/pagos/{payment.pk}/devolucion", {"reason": " "},
                                 content_type="application/json")
    assert without_reason.status_code == 400
    assert list(Refund.objects.values_list("amount", flat=True)) == [Decimal("5.10")]


def test_an_officer_cannot_refund(staff_api):
    payment = factories.paid_payment(receipt_number="6600003")
    client = staff_api(_staff("oficial", "officer"))
    response = client.post(f"/api/v1/pagos/{payment.pk}/devolucion", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not Refund.objects.exists() and Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID


def test_the_payer_is_told_of_the_refund_in_their_casilla(staff_api, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model
    from django.core import mail

    from buzon.models import Notice
    from buzon.services import casilla_accept

    # given a payment by a foreigner who has a casilla electrónica
    payer = get_user_model().objects.create(username="pagadora@example.pe", email="pagadora@example.pe")
    casilla_accept(user=payer, email=payer.email, phone="987654321", accepted_terms=True, actor=payer)
    payment = factories.paid_payment(receipt_number="6600004")
    Payment.objects.filter(pk=payment.pk).update(user=payer)
    client = staff_api(_staff("supervisor3", "supervisor"))
    # when a supervisor refunds it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/pagos/{payment.pk}/devolucion", {"reason": "Trámite improcedente"},
                               content_type="application/json")
    assert response.status_code == 201
    # then a notice of the refund, with the amount and the reason, is in the casilla and the alert went out
    notice = Notice.objects.get(record_kind="pagos.payment", record_id=str(payment.pk))
    assert notice.recipient == payer and notice.status == Notice.Status.DEPOSITED
    assert "S/ 20.20" in notice.body and "Trámite improcedente" in notice.body and "refund" in notice.title_en.lower()
    assert [m.to for m in mail.outbox] == [[payer.email]]
