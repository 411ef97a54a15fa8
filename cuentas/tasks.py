"""Housekeeping of device credentials."""
import datetime as dt

from celery import shared_task
from django.utils import timezone

from .authentication import MAX_SKEW_S
from .models import DeviceNonce


@shared_task
def device_nonces_purge() -> int:
    """Nonces older than twice the allowed clock skew can never be replayed (the timestamp is refused)."""
    cutoff = timezone.now() - dt.timedelta(seconds=2 * MAX_SKEW_S)
    deleted, _ = DeviceNonce.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
