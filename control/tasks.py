"""Background work of control: MigraCheck's chip-photo encoding and its e-mail confirmation link.

Tasks take only ids (the chip photo stays sealed in the database), are queued through the outbox
and are idempotent: a second run finds the work done and does nothing.
"""
from concurrent.futures.process import BrokenProcessPool

from celery import shared_task
from django.db import DatabaseError

# Transient: the database or the mail server not answering, a face process that died.
TRANSIENT = (DatabaseError, OSError, BrokenProcessPool)


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=300, max_retries=6)
def preregistration_encode(*, preregistration_id: int) -> str:
    from .services import preregistration_encode_face

    prereg = preregistration_encode_face(preregistration_id=preregistration_id)
    return prereg.status if prereg is not None else "MISSING"


@shared_task(acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_backoff_max=300, max_retries=6)
def preregistration_confirmation_send(*, preregistration_id: int) -> bool:
    from .services import preregistration_confirmation_send as send

    return send(preregistration_id=preregistration_id)
