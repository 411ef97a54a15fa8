"""Builders for the payments rail's tests: the shipped catalogue, a purpose of the tests' own, payments."""
import json
import time
import uuid
from decimal import Decimal

from pagos import hooks
from pagos.loader import read_catalogue, sync_catalogue
from pagos.models import Fee, Payment, Uit

TEST_PURPOSE = "pruebas.tramite"


def catalogue_ensure() -> None:
    """The shipped catalogue's fees and UITs (the migration loads them; transactional tests flush them)."""
    sync_catalogue(read_catalogue(), fee_model=Fee, uit_model=Uit, strict=False)


def paid_payment(*, receipt_number: str | None = None, procedure: str = "DUPLICADO_CARNE",
                 purpose_kind: str = TEST_PURPOSE, document: str = "001234567", amount: str = "20.20") -> Payment:
    from pagos.selectors import fee_for

    return Payment.objects.create(
        purpose_kind=purpose_kind, purpose_id="1", payer_document_type="CE", payer_document_number=document,
        fee=fee_for(procedure), amount=Decimal(amount), method=Payment.Method.RECEIPT, status=Payment.Status.PAID,
        reference=f"T-{uuid.uuid4().hex[:12]}", receipt_number=receipt_number or str(uuid.uuid4().int % 10**9))


class PaidRecorder:
    """A paid-handler of the tests' purpose: records the payments it was called for, gives a record id."""

    def __init__(self):
        self.calls: list[int] = []

    def __call__(self, *, actor, payment):
        self.calls.append(payment.pk)
        return f"REC-{payment.pk}"


def purpose_register(kind: str = TEST_PURPOSE, label: str = "Trámite de prueba", on_paid=None):
    hooks.purpose_register(kind, label=label, on_paid=on_paid)


NOTIFY = "/api/v1/pagos/notificacion"
OLD_NOTIFY = "/api/v1/pasaporte/pagos/notificacion"  # the address before the rail; orders made then use it
NOTIFY_SECRET = "demo-bn-notify-secret"


def notify(client, payload: dict, *, secret: str = NOTIFY_SECRET, ts: int | None = None, path: str = NOTIFY):
    """POST a notification as the bank signs it (HMAC of timestamp and body) to the portal."""
    from integraciones.banco_nacion import sign_notification

    body = json.dumps(payload).encode()
    stamp = str(ts if ts is not None else int(time.time()))
    return client.post(path, data=body, content_type="application/json",
                       HTTP_X_BN_SIGNATURE=sign_notification(body, secret, stamp), HTTP_X_BN_TIMESTAMP=stamp)
