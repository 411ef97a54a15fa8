"""Celery tasks of the e-passport service: thin, idempotent, passing ids (STYLE.md rule 7)."""
import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue_task

from . import notifications, services
from .models import Application

# Backoff for validation outages: 5 s, 10 s, 20 s ... capped at 5 minutes; then the beat resumes it.
# The base comes from settings (PASAPORTE_VALIDATION_BACKOFF_S) so test workers can retry quickly.
RETRY_CAP_S = 300
MAX_VALIDATION_RETRIES = 8


@shared_task(bind=True, acks_late=True, max_retries=MAX_VALIDATION_RETRIES)
def validate_application_task(self, application_id: int) -> str:
    try:
        return services.application_validate(application_id=application_id).status
    except services.ValidationDeferred as exc:
        if self.request.is_eager:
            return Application.Status.VALIDATION_PENDING  # eager mode: the periodic resume retries later
        countdown = min(settings.PASAPORTE_VALIDATION_BACKOFF_S * 2 ** self.request.retries, RETRY_CAP_S)
        if self.request.retries >= self.max_retries:
            return Application.Status.VALIDATION_PENDING  # stays visibly pending; the beat resumes it
        raise self.retry(exc=exc, countdown=countdown)


@shared_task
def validation_resume_pending_task() -> int:
    """Beat: give every application still waiting on an outage another try."""
    stale = timezone.now() - dt.timedelta(minutes=5)
    ids = list(Application.objects.filter(status=Application.Status.VALIDATION_PENDING, updated_at__lt=stale)
               .values_list("pk", flat=True))
    for application_id in ids:
        with transaction.atomic():
            enqueue_task("pasaporte.tasks.validate_application_task", queue="validation",
                         kwargs={"application_id": application_id})
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=2)
def personalize_passport_task(self, application_id: int) -> str:
    # acks_late + reject_on_worker_lost: a worker killed mid-job leaves the message to another one,
    # and passport_personalize finds the number already allocated.
    try:
        return services.passport_personalize(application_id=application_id).number
    except services.PersonalizationFailed as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=30)


@shared_task(acks_late=True)
def notify_status_task(application_id: int, status: str) -> bool:
    return notifications.notify_status(application_id=application_id, status=status)


@shared_task
def expire_uncollected_task() -> int:
    return services.passports_expire_uncollected()
