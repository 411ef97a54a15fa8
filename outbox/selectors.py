"""Reads of the outbox, for health checks and operators."""
from datetime import timedelta

from django.utils import timezone

from .models import OutboxMessage


def outbox_pending_count(*, older_than_s: float = 0) -> int:
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    return OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).count()
