"""The comprobante de pago: a one-page PDF (weasyprint) of a confirmed payment, signed and verifiable
through documentos (kind PAYMENT_RECEIPT, its QR stamped by the rail), issued once per payment."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.actor import Actor
from core.errors import Conflict, NotFound
from documentos.kinds import mask_name
from documentos.models import Document
from documentos.rendering import pdf_render
from documentos.selectors import document_for_record
from documentos.services import document_issue

from .models import Payment

KIND = "PAYMENT_RECEIPT"
RECORD_KIND = "pagos.payment"


def _receipt_pdf(payment: Payment, *, holder: str) -> bytes:
    return pdf_render("pagos/receipt.html", {
        "payment": payment, "holder": holder, "fee": payment.fee,
        "paid_at": timezone.localtime(payment.paid_at) if payment.paid_at else None, "now": timezone.localtime()})


@transaction.atomic
def payment_receipt_issue(*, payment_id: int, actor: Actor) -> Document:
    """The payment's signed receipt: the one already issued, or a new one (only for a PAID payment)."""
    payment = (Payment.objects.select_for_update(of=("self",)).select_related("fee", "user")
               .filter(pk=payment_id).first())
    if payment is None:
        raise NotFound("payment: not found", fields={"payment": "not found"})
    if payment.status != Payment.Status.PAID:
        raise Conflict("payment: only a confirmed payment has a receipt", fields={"payment": payment.status})
    existing = document_for_record(kind=KIND, record_kind=RECORD_KIND, record_id=payment.pk)
    if existing is not None:
        return existing
    holder = (payment.user.get_full_name() if payment.user else "") or payment.payer_document_number
    pdf = _receipt_pdf(payment, holder=holder)
    facts = {"holder": mask_name(holder), "number": payment.reference, "amount": f"S/ {payment.amount}",
             "issued_on": timezone.localdate().isoformat()}
    return document_issue(kind=KIND, pdf=pdf, facts=facts, record_kind=RECORD_KIND, record_id=payment.pk,
                          actor=actor)
