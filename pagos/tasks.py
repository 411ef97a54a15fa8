"""Celery tasks of the payments rail: thin, idempotent, ids only (STYLE.md rule 7)."""
from celery import shared_task
from django.db import transaction

from core.errors import ExternalServiceUnavailable
from outbox.services import enqueue_task

from . import services

RETRY_CAP_S = 300
MAX_RETRIES = 8


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def payment_receipt_verify_task(self, payment_id: int) -> str:
    """Check again with the bank a receipt it did not answer for; the beat resumes what is left pending."""
    try:
        return services.payment_receipt_verify(payment_id=payment_id).status
    except ExternalServiceUnavailable as exc:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return "PENDING"  # stays visibly pending; payments_resume_pending_task tries again
        raise self.retry(exc=exc, countdown=min(5 * 2 ** self.request.retries, RETRY_CAP_S))


@shared_task
def payments_resume_pending_task() -> int:
    """Beat: every receipt still waiting for the bank gets another check."""
    ids = services.payments_pending_receipts()
    for payment_id in ids:
        with transaction.atomic():
            enqueue_task(services.VERIFY_TASK, kwargs={"payment_id": payment_id})
    return len(ids)
