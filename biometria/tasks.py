"""Celery tasks of biometria (queue "biometrics"): thin, idempotent, by id."""
from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def gallery_sync_task(enrollment_id: int) -> str:
    """Add or remove one enrollment in the 1:N gallery so it matches the database."""
    return services.gallery_sync(enrollment_id=enrollment_id)
