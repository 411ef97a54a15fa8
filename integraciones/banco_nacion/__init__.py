"""Banco de la Nación (and Págalo.pe): client, types, notification signing and simulator."""
from integraciones.banco_nacion.client import BancoNacionClient, get_client
from integraciones.banco_nacion.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign_notification,
    verify_notification,
)
from integraciones.banco_nacion.types import (
    ORDER_EXPIRED,
    ORDER_PAID,
    ORDER_PENDING,
    PaymentNotification,
    PaymentOrder,
    Receipt,
    ReceiptCheck,
)
from integraciones.errors import InvalidNotification

__all__ = [
    "ORDER_EXPIRED",
    "ORDER_PAID",
    "ORDER_PENDING",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "BancoNacionClient",
    "InvalidNotification",
    "PaymentNotification",
    "PaymentOrder",
    "Receipt",
    "ReceiptCheck",
    "get_client",
    "sign_notification",
    "verify_notification",
]
