"""Payment of fee 01810 on the payments rail: online order confirmed by the bank's signed notification, or a
bank receipt; the paid fee opens the application (pasaporte's paid-handler)."""
import datetime as dt
import json
import random
import time

import pytest
import requests
from django.urls import reverse

from core.errors import Conflict, ValidationFailed
from integraciones.banco_nacion import sign_notification
from pagos import services as pagos_services
from pagos.models import Fee, Payment
from pagos.selectors import fee_for
from pagos.tests.factories import NOTIFY, NOTIFY_SECRET, OLD_NOTIFY
from pagos.tests.factories import notify as _notify
from pasaporte import services
from pasaporte.models import Application

from . import factories

pytestmark = pytest.mark.django_db
SECRET = NOTIFY_SECRET


def _note(payment: Payment, **changes) -> dict:
    note = {"notification_id": "N-1", "order_id": payment.order_id, "receipt_number": "2000001",
            "amount": "120.90", "fee_code": "01810", "payer_dni": payment.payer_document_number,
            "paid_at": "2026-01-10T10:00:00-05:00"}
    note.update(changes)
    return note


def test_the_passport_fee_is_data_with_its_tupa_code_and_amount():
    fee = services.fee_current(on=dt.date(2026, 3, 1))
    assert (fee.code, str(fee.amount)) == ("01810", "120.90")
    # a new amount from a later date replaces it from that date on, without code changes
    Fee.objects.create(code="01810", procedure=services.PASSPORT_PROCEDURE, name_es="Pasaporte", name_en="Passport",
                       amount="125.00", valid_from=dt.date(2027, 1, 1))
    assert str(services.fee_current(on=dt.date(2027, 2, 1)).amount) == "125.00"
    assert str(services.fee_current(on=dt.date(2026, 12, 31)).amount) == "120.90"


def test_pay_online_on_the_bank_page_and_the_signed_notification_opens_the_application(
        citizen_client, citizen, external_systems, live_server, settings):
    # given the citizen asks to pay online: the portal creates an order and sends them to the bank
    response = citizen_client.post(reverse("pasaporte:pay"), {"method": "order"})
    payment = Payment.objects.get(user=citizen)
    assert response.status_code == 302 and response["Location"] == payment.pay_url
    assert payment.purpose_kind == services.PAYMENT_PURPOSE
    assert "Pagar S/ 120.90" in requests.get(payment.pay_url, timeout=5).text
    # when they pay there, the bank notifies the portal's endpoint (rewritten to the live server)
    payment.refresh_from_db()
    order = requests.get(f"{external_systems.base_url}/banco-nacion/orders/{payment.order_id}", timeout=5).json()
    assert order["status"] == "pending"
    # the bank calls the notify_url the portal gave; the test client's host is not reachable, so pay
    # with an order whose notify_url is the live server
    Payment.objects.filter(pk=payment.pk).delete()
    payment = services.payment_order_create(actor=citizen, notify_url=f"{live_server.url}{NOTIFY}")
    requests.post(payment.pay_url, timeout=5).raise_for_status()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not Application.objects.filter(user=citizen).exists():
        time.sleep(0.1)
    # then the payment is confirmed with the bank's receipt and the application starts as "Pagado"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.receipt_number
    application = Application.objects.get(user=citizen)
    assert application.status == Application.Status.PAID
    assert payment.purpose_id == str(application.pk)
    assert citizen_client.get(reverse("pasaporte:pay_return")).status_code == 302
    # and the waiting page's background check says so, pointing the browser back to be sent on
    region = citizen_client.get(reverse("pasaporte:pay_return"), HTTP_X_POLL="1").content.decode()
    assert f'data-poll-next="{reverse("pasaporte:pay_return")}"' in region


def test_the_payment_wait_page_waits_in_the_background_and_offers_the_receipt_path(citizen_client, citizen):
    # given a citizen back from the bank before its notification arrived
    page = citizen_client.get(reverse("pasaporte:pay_return")).content.decode()
    # then the page does not reload itself, polls for a while, and holds the way out for when it gives up
    assert 'http-equiv="refresh"' not in page
    assert 'data-poll-max="45"' in page and "js/poll.js" in page and "data-poll-giveup hidden" in page
    assert "Registrar mi comprobante" in page and f'{reverse("pasaporte:pay")}#comprobante' in page
    # and the background check says it is still waiting, sending nobody anywhere
    region = citizen_client.get(reverse("pasaporte:pay_return"), HTTP_X_POLL="1").content.decode()
    assert "Esperando la confirmación" in region and "data-poll-next" not in region


def _order(citizen, reference: str, order_id: str) -> Payment:
    return Payment.objects.create(purpose_kind=services.PAYMENT_PURPOSE, user=citizen, payer_document_type="DNI",
                                  payer_document_number=citizen.dni, fee=fee_for(services.PASSPORT_PROCEDURE),
                                  amount="120.90", method="ORDER", reference=reference, order_id=order_id)


def test_notifications_are_verified_and_applied_once(client, citizen):
    payment = _order(citizen, "PAS-X", "ORD-1")
    # a forged signature and a stale timestamp are refused, naming what failed
    forged = _notify(client, _note(payment), secret="otro-secreto")
    assert forged.status_code == 400 and forged.json()["fields"] == {"signature": "bad_signature"}
    stale = _notify(client, _note(payment), ts=int(time.time()) - 3600)
    assert stale.status_code == 400 and stale.json()["fields"] == {"timestamp": "stale_timestamp"}
    # a payment for another amount or by another person is refused with the reason
    wrong = _notify(client, _note(payment, amount="12.09", payer_dni="45678912"))
    assert wrong.status_code == 400
    assert "12.09" in wrong.json()["fields"]["amount"] and "otra persona" in wrong.json()["fields"]["payer_dni"]
    assert not Application.objects.exists()
    # the genuine notification, repeated and with other ids in any order, makes one payment
    # (on the rail's address and on the one the bank had before it)
    notes = [_note(payment, notification_id=f"N-{i % 7}") for i in range(60)]
    random.Random(5).shuffle(notes)
    assert all(_notify(client, n, path=(NOTIFY, OLD_NOTIFY)[i % 2]).status_code == 200 for i, n in enumerate(notes))
    assert Application.objects.filter(payment=payment).count() == 1
    assert Application.objects.get().events.count() == 1


def test_a_receipt_is_checked_with_the_bank_and_serves_only_once(citizen, external_systems):
    # given receipt 1000001 paid by 70275722 on 2025-01-15 for 01810
    with pytest.raises(ValidationFailed) as wrong_date:
        services.payment_receipt_register(actor=citizen, receipt_number="1000001", payment_date=dt.date(2025, 1, 16))
    assert "payment_date" in wrong_date.value.fields
    payment = services.payment_receipt_register(actor=citizen, receipt_number="1000001",
                                                payment_date=dt.date(2025, 1, 15))
    assert payment.passport_application.status == Application.Status.PAID
    # the same receipt again, even by someone else, is refused naming the service that used it
    other = factories.citizen("40000003", email="otro@example.pe")
    with pytest.raises(Conflict, match="ya fue usado en: Pasaporte electrónico"):
        services.payment_receipt_register(actor=other, receipt_number="1000001", payment_date=dt.date(2025, 1, 15))


def test_a_receipt_paid_by_another_person_or_for_another_amount_is_refused(db, external_systems):
    someone = factories.citizen("40000004", email="x@example.pe")
    with pytest.raises(ValidationFailed) as other_person:
        services.payment_receipt_register(actor=someone, receipt_number="1000002", payment_date=dt.date(2025, 1, 15))
    assert "otra persona" in other_person.value.fields["payer_dni"]
    requests.post(f"{external_systems.base_url}/banco-nacion/__receipts__", timeout=5, json={
        "payment_date": "2025-02-01", "amount": "12.09", "fee_code": "01810", "payer_dni": "40000004",
        "receipt_number": "7700001"}).raise_for_status()
    with pytest.raises(ValidationFailed) as short:
        services.payment_receipt_register(actor=someone, receipt_number="7700001", payment_date=dt.date(2025, 2, 1))
    assert "120.90" in short.value.fields["amount"]
    assert not Payment.objects.exists()


def test_the_receipt_form_shows_the_reason_on_the_field(citizen_client, external_systems):
    response = citizen_client.post(reverse("pasaporte:pay"), {"method": "receipt", "receipt_number": "1000002",
                                                              "payment_date": "2025-01-15"})
    assert response.status_code == 200
    assert "El comprobante fue pagado por otra persona." in response.content.decode()


def test_the_payment_page_lets_its_form_continue_to_the_banks_page_and_nowhere_else(citizen_client, external_systems):
    from urllib.parse import urlsplit

    from django.conf import settings

    # when the citizen opens the payment page
    response = citizen_client.get(reverse("pasaporte:pay"))
    # then its Content-Security-Policy lets "pay online" reach the bank's page (a browser refuses the
    # redirect otherwise, and the citizen stays on this page), and no other origin
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    bank = urlsplit(settings.BANCO_NACION_URL)
    assert policy["form-action"].split() == ["'self'", f"{bank.scheme}://{bank.netloc}"]
    # and other pages keep forms to the portal alone
    home = citizen_client.get(reverse("pasaporte:home"))
    assert "form-action 'self';" in home["Content-Security-Policy"] + ";"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_1000_duplicate_and_out_of_order_notifications_make_exactly_one_payment(citizen):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers, so it proves nothing about races")
    payment = _order(citizen, "PAS-C", "ORD-C")
    bodies = []
    for i in range(1000):
        note = _note(payment, notification_id=f"N-{i % 13}", paid_at=f"2026-01-10T10:{i % 60:02d}:00-05:00")
        body = json.dumps(note).encode()
        stamp = str(int(time.time()) - random.Random(i).randint(0, 200))
        bodies.append((body, sign_notification(body, SECRET, stamp), stamp))
    random.Random(1).shuffle(bodies)

    def deliver(item):
        try:
            return pagos_services.payment_notification_receive(body=item[0], signature=item[1],
                                                               timestamp=item[2]).status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(deliver, bodies))
    assert results.count("PAID") == 1000
    assert Payment.objects.filter(status="PAID").count() == 1
    assert Application.objects.filter(payment=payment).count() == 1


def test_with_the_bank_down_a_receipt_stays_visibly_pending_and_opens_nothing(citizen_client, citizen,
                                                                             external_systems):
    # given Banco de la Nación not answering
    external_systems.fault("banco_nacion", status=503)
    # when the citizen types their receipt
    response = citizen_client.post(reverse("pasaporte:pay"), {"method": "receipt", "receipt_number": "1000001",
                                                              "payment_date": "2025-01-15"}, follow=True)
    # then their page says the payment waits for the bank, and no application was opened on trust
    body = response.content.decode()
    assert response.status_code == 200 and 'id="pago-pendiente"' in body and "no responde" in body
    assert Payment.objects.get(user=citizen).status == Payment.Status.PENDING
    assert not Application.objects.filter(user=citizen).exists()
    # and in English the reason is English too
    citizen_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = citizen_client.get(reverse("pasaporte:home")).content.decode()
    assert "Banco de la Nación does not answer: the receipt will be checked as soon as it does." in english
    assert "no responde" not in english


def test_an_order_paid_while_an_application_is_open_stays_paid_with_the_reason_for_a_refund(client, citizen):
    # given a citizen with an application in progress and an older order still pending at the bank
    factories.paid_application(citizen)
    payment = _order(citizen, "PAS-D", "ORD-D")
    # when the bank confirms that order
    response = _notify(client, _note(payment, receipt_number="2000009"))
    # then the bank's money is recorded as paid, no second application opens, and the reason is kept
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and "solicitud de pasaporte en curso" in payment.status_reason
    assert Application.objects.filter(user=citizen).count() == 1
