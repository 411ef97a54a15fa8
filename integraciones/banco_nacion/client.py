"""Banco de la Nación client: payment orders and checks of receipts paid at the bank."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from urllib.parse import quote

from integraciones.banco_nacion.types import PaymentOrder, Receipt, ReceiptCheck
from integraciones.http import DEFAULT_TIMEOUT_S, CircuitBreaker, HttpClient
from integraciones.parsing import Fields

SERVICE = "banco_nacion"


class BancoNacionClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        retries: int = 2,
        *,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.http = HttpClient(SERVICE, base_url, timeout=timeout, retries=retries, breaker=breaker)

    def create_order(
        self,
        fee_code: str,
        amount: Decimal,
        payer_dni: str,
        reference: str,
        notify_url: str,
        *,
        return_url: str = "",
        description: str = "",
    ) -> PaymentOrder:
        """Create (or get back, for the same ``reference``) an order to pay on the bank's page."""
        payload = {
            "fee_code": fee_code,
            "amount": f"{amount:.2f}",
            "payer_dni": payer_dni,
            "reference": reference,
            "notify_url": notify_url,
            "return_url": return_url,
            "description": description,
        }
        # The bank de-duplicates by reference, so the reference is the idempotency key.
        data = self.http.post("orders", json=payload, idempotency_key=reference)
        return _order(Fields(SERVICE, data))

    def get_order(self, order_id: str) -> PaymentOrder:
        return _order(Fields(SERVICE, self.http.get(f"orders/{quote(order_id, safe='')}")))

    def verify_receipt(
        self, receipt_number: str, payment_date: dt.date, amount: Decimal, fee_code: str, payer_dni: str
    ) -> ReceiptCheck:
        """Check a receipt typed by the payer; mismatching fields are named in ``field_errors``."""
        payload = {
            "receipt_number": receipt_number,
            "payment_date": payment_date.isoformat(),
            "amount": f"{amount:.2f}",
            "fee_code": fee_code,
            "payer_dni": payer_dni,
        }
        data = self.http.post("receipts/verify", json=payload, idempotency_key=str(uuid.uuid4()))
        fields = Fields(SERVICE, data)
        receipt = fields.opt_object("receipt")
        return ReceiptCheck(
            valid=fields.flag("valid"),
            field_errors=fields.text_map("field_errors"),
            receipt=_receipt(receipt) if receipt else None,
        )


def _order(fields: Fields) -> PaymentOrder:
    return PaymentOrder(
        order_id=fields.text("order_id"),
        pay_url=fields.text("pay_url"),
        amount=fields.decimal("amount"),
        fee_code=fields.text("fee_code"),
        status=fields.text("status"),
        expires_at=fields.datetime("expires_at"),
        reference=fields.text("reference"),
        payer_dni=fields.text("payer_dni"),
        receipt_number=fields.opt_text("receipt_number"),
        paid_at=fields.opt_datetime("paid_at"),
    )


def _receipt(fields: Fields) -> Receipt:
    return Receipt(
        receipt_number=fields.text("receipt_number"),
        payment_date=fields.date("payment_date"),
        amount=fields.decimal("amount"),
        fee_code=fields.text("fee_code"),
        payer_dni=fields.text("payer_dni"),
        order_id=fields.opt_text("order_id"),
    )


def get_client() -> BancoNacionClient:
    """The client configured by Django settings (BANCO_NACION_URL, INTEGRATIONS_TIMEOUT/RETRIES)."""
    from django.conf import settings

    return BancoNacionClient(settings.BANCO_NACION_URL, settings.INTEGRATIONS_TIMEOUT, settings.INTEGRATIONS_RETRIES)
