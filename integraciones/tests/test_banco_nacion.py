"""Banco de la Nación: orders, receipt checks, and the signing of payment notifications."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import requests

from integraciones.banco_nacion import (
    ORDER_PENDING,
    BancoNacionClient,
    InvalidNotification,
    sign_notification,
    verify_notification,
)
from integraciones.errors import NotFound, RequestRejected

SECRET = "s3cret"
NOTIFICATION = {
    "notification_id": "n-1",
    "order_id": "BN1",
    "receipt_number": "2000001",
    "amount": "120.90",
    "fee_code": "01810",
    "payer_dni": "70275722",
    "paid_at": "2025-01-15T10:00:00-05:00",
}
BODY = json.dumps(NOTIFICATION).encode()
NOW = 1_736_953_200


@pytest.fixture
def bank(simulator_url: str) -> BancoNacionClient:
    return BancoNacionClient(simulator_url + "/banco-nacion", timeout=2.0, retries=0)


def _order(bank: BancoNacionClient, reference: str, amount: str = "120.90") -> object:
    return bank.create_order("01810", Decimal(amount), "70275722", reference, "http://127.0.0.1:9/notify")


def test_order_is_created_pending_with_a_page_to_pay(bank: BancoNacionClient) -> None:
    order = bank.create_order("01810", Decimal("120.90"), "70275722", "ref-create", "http://127.0.0.1:9/n")
    assert order.status == ORDER_PENDING
    assert order.amount == Decimal("120.90")
    assert order.pay_url.endswith(f"/banco-nacion/pagar/{order.order_id}")
    assert order.expires_at > dt.datetime.now(dt.timezone.utc)
    assert bank.get_order(order.order_id) == order


def test_same_reference_gives_back_the_same_order(bank: BancoNacionClient) -> None:
    first = _order(bank, "ref-twice")
    assert _order(bank, "ref-twice") == first


def test_same_reference_with_another_amount_is_rejected(bank: BancoNacionClient) -> None:
    _order(bank, "ref-conflict")
    with pytest.raises(RequestRejected) as rejected:
        _order(bank, "ref-conflict", amount="99.00")
    assert (rejected.value.status, rejected.value.field) == (409, "reference")


def test_invalid_amount_is_rejected_naming_the_field(bank: BancoNacionClient) -> None:
    with pytest.raises(RequestRejected) as rejected:
        _order(bank, "ref-negative", amount="-1.00")
    assert rejected.value.field == "amount"


def test_unknown_order_is_not_found(bank: BancoNacionClient) -> None:
    with pytest.raises(NotFound):
        bank.get_order("BN-NOPE")


def test_demo_receipt_checks_out(bank: BancoNacionClient) -> None:
    check = bank.verify_receipt("1000001", dt.date(2025, 1, 15), Decimal("120.9"), "01810", "70275722")
    assert check.valid
    assert check.receipt is not None and check.receipt.payer_dni == "70275722"


def test_receipt_with_wrong_date_and_payer_names_both_fields(bank: BancoNacionClient) -> None:
    check = bank.verify_receipt("1000002", dt.date(2025, 1, 16), Decimal("120.90"), "01810", "70275722")
    assert not check.valid
    assert set(check.field_errors) == {"payment_date", "payer_dni"}
    assert check.receipt is None  # nothing about someone else's payment leaks


def test_unknown_receipt_names_the_receipt_number(bank: BancoNacionClient) -> None:
    check = bank.verify_receipt("9999999", dt.date(2025, 1, 15), Decimal("120.90"), "01810", "70275722")
    assert set(check.field_errors) == {"receipt_number"}


def test_receipt_registered_through_the_test_hook_can_be_verified(
    bank: BancoNacionClient, simulator_url: str
) -> None:
    payment = {"payment_date": "2025-03-01", "amount": "49.50", "fee_code": "07568", "payer_dni": "45678912"}
    reply = requests.post(f"{simulator_url}/banco-nacion/__receipts__", json=payment, timeout=5)
    assert reply.status_code == 201
    number = reply.json()["receipt_number"]
    check = bank.verify_receipt(number, dt.date(2025, 3, 1), Decimal("49.50"), "07568", "45678912")
    assert check.valid


def test_signed_notification_verifies() -> None:
    signature = sign_notification(BODY, SECRET, NOW)
    notification = verify_notification(BODY, signature, str(NOW), SECRET, now=NOW + 10)
    assert notification.receipt_number == "2000001"
    assert notification.amount == Decimal("120.90")
    assert notification.paid_at == dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.timezone.utc)


def test_tampered_body_is_a_bad_signature() -> None:
    signature = sign_notification(BODY, SECRET, NOW)
    tampered = BODY.replace(b"120.90", b"1.00")
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(tampered, signature, str(NOW), SECRET, now=NOW)
    assert invalid.value.reason == "bad_signature"


def test_other_secret_is_a_bad_signature() -> None:
    signature = sign_notification(BODY, "another", NOW)
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(BODY, signature, str(NOW), SECRET, now=NOW)
    assert invalid.value.reason == "bad_signature"


def test_signature_is_bound_to_its_timestamp() -> None:
    # an attacker cannot refresh an old message by changing only the timestamp header
    signature = sign_notification(BODY, SECRET, NOW - 3600)
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(BODY, signature, str(NOW), SECRET, now=NOW)
    assert invalid.value.reason == "bad_signature"


def test_old_notification_is_stale() -> None:
    signature = sign_notification(BODY, SECRET, NOW - 301)
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(BODY, signature, str(NOW - 301), SECRET, now=NOW)
    assert invalid.value.reason == "stale_timestamp"


def test_non_numeric_timestamp_is_malformed() -> None:
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(BODY, "00", "yesterday", SECRET, now=NOW)
    assert (invalid.value.reason, invalid.value.field) == ("malformed", "timestamp")


def test_authentic_body_missing_a_field_is_malformed() -> None:
    body = json.dumps({k: v for k, v in NOTIFICATION.items() if k != "receipt_number"}).encode()
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(body, sign_notification(body, SECRET, NOW), str(NOW), SECRET, now=NOW)
    assert (invalid.value.reason, invalid.value.field) == ("malformed", "receipt_number")


def test_authentic_body_that_is_not_json_is_malformed() -> None:
    body = b"not json"
    with pytest.raises(InvalidNotification) as invalid:
        verify_notification(body, sign_notification(body, SECRET, NOW), str(NOW), SECRET, now=NOW)
    assert invalid.value.reason == "malformed"
