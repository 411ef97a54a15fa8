"""Housekeeping of the e-gate API."""
from celery import shared_task

from .services import idempotency_purge


@shared_task
def idempotency_keys_purge() -> int:
    """Idempotency keys are kept 24 h; older ones are dropped."""
    return idempotency_purge()
