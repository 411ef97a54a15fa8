"""Data exchanged with Banco de la Nación: payment orders, receipts and payment notifications."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ORDER_PENDING = "pending"
ORDER_PAID = "paid"
ORDER_EXPIRED = "expired"


@dataclass(frozen=True)
class PaymentOrder:
    order_id: str
    pay_url: str
    amount: Decimal
    fee_code: str
    status: str  # pending | paid | expired
    expires_at: dt.datetime
    reference: str = ""
    payer_dni: str = ""
    receipt_number: str | None = None
    paid_at: dt.datetime | None = None


@dataclass(frozen=True)
class Receipt:
    """A payment made at the bank (window, agent or Págalo.pe), identified by its number."""

    receipt_number: str
    payment_date: dt.date
    amount: Decimal
    fee_code: str
    payer_dni: str
    order_id: str | None = None


@dataclass(frozen=True)
class ReceiptCheck:
    """Whether a receipt the person typed matches the bank's; ``receipt`` only when it does."""

    valid: bool
    field_errors: dict[str, str] = field(default_factory=dict)
    receipt: Receipt | None = None


@dataclass(frozen=True)
class PaymentNotification:
    """The bank's signed message that an order was paid."""

    notification_id: str
    order_id: str
    receipt_number: str
    amount: Decimal
    fee_code: str
    payer_dni: str
    paid_at: dt.datetime
