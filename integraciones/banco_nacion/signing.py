"""Signing and verification of Banco de la Nación's payment notifications (HMAC-SHA256)."""
from __future__ import annotations

import hashlib
import hmac
import json
import time

from integraciones.banco_nacion.types import PaymentNotification
from integraciones.errors import InvalidNotification, MalformedResponse
from integraciones.parsing import Fields

SIGNATURE_HEADER = "X-BN-Signature"
TIMESTAMP_HEADER = "X-BN-Timestamp"
DEFAULT_TOLERANCE_S = 300


def sign_notification(body: bytes, secret: str, timestamp: str | int) -> str:
    """Hex HMAC-SHA256 over ``f"{timestamp}."`` followed by the raw body."""
    if not secret:
        raise ValueError("the notification secret must not be empty")
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_notification(
    body: bytes,
    signature: str,
    timestamp: str,
    secret: str,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> PaymentNotification:
    """The notification, if authentic and fresh; else InvalidNotification with the reason.

    Replays inside the tolerance window pass here: the caller de-duplicates by
    ``notification_id`` / ``receipt_number``.
    """
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise InvalidNotification("malformed", "Marca de tiempo inválida", field="timestamp") from exc
    expected = sign_notification(body, secret, timestamp)
    if not hmac.compare_digest(expected, (signature or "").strip().lower()):
        raise InvalidNotification("bad_signature", "La firma no corresponde", field="signature")
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_s:
        raise InvalidNotification("stale_timestamp", "La notificación está fuera de plazo", field="timestamp")
    return _parse(body)


def _parse(body: bytes) -> PaymentNotification:
    try:
        fields = Fields("banco_nacion", json.loads(body))
        return PaymentNotification(
            notification_id=fields.text("notification_id"),
            order_id=fields.text("order_id"),
            receipt_number=fields.text("receipt_number"),
            amount=fields.decimal("amount"),
            fee_code=fields.text("fee_code"),
            payer_dni=fields.text("payer_dni"),
            paid_at=fields.datetime("paid_at"),
        )
    except ValueError as exc:
        raise InvalidNotification("malformed", "El cuerpo no es JSON válido", field="body") from exc
    except MalformedResponse as exc:
        raise InvalidNotification("malformed", exc.message, field=exc.field) from exc
