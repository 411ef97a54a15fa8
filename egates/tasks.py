"""Housekeeping of the e-gate API."""
from celery import shared_task

from .services import idempotency_purge


@shared_task
def idempotency_keys_purge() -> int:
    """Idempotency keys are kept 24 h; older ones are dropped."""
    return idempotency_purge()


@shared_task
def chip_challenges_purge() -> int:
    """Challenges live 60 s; spent and expired ones are dropped after an hour."""
    from .challenges import challenges_purge

    return challenges_purge()
