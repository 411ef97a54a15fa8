"""The transactional outbox: a side effect is a row committed with the change, published afterwards.

`enqueue_task` replaces `transaction.on_commit(lambda: task.delay(...))`. If the broker is down when
the transaction commits, the request still succeeds and the row stays pending until
`outbox_publish_pending` (beat, every OUTBOX_SWEEP_INTERVAL_S) publishes it. Tasks may therefore run
more than once and must be idempotent (STYLE.md rule 7).
"""
import importlib
import logging
import uuid
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_TEXT = 64
# A short publish retry: the request path should not hang on a dead broker; the sweep retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


class OutboxError(Exception):
    """Programming errors: enqueuing outside a transaction, or arguments that are not ids."""


def _check_kwargs(kwargs: dict) -> dict:
    for key, value in kwargs.items():
        if not isinstance(key, str):
            raise OutboxError("outbox kwargs keys must be strings")
        if value is None or isinstance(value, (bool, int)):
            continue
        if isinstance(value, uuid.UUID):
            kwargs[key] = str(value)
            continue
        if isinstance(value, str) and len(value) <= MAX_TEXT:
            continue
        # Images, templates, names or e-mails do not belong in a broker message: pass a record's id.
        raise OutboxError(f"outbox kwarg {key!r} must be an id or a short code, not {type(value).__name__}")
    return kwargs


def enqueue_task(task_name: str, *, kwargs: dict | None = None, queue: str = "") -> OutboxMessage:
    """Record a task for publication when the caller's transaction commits."""
    if not connection.in_atomic_block:
        raise OutboxError("enqueue_task must be called inside the transaction that makes the change")
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=_check_kwargs(dict(kwargs or {})),
                                           queue=queue)
    transaction.on_commit(lambda: publish(message))
    return message


def _task(task_name: str):
    app = current_app
    if task_name not in app.tasks:
        importlib.import_module(task_name.rsplit(".", 1)[0])
    return app.tasks[task_name]


def publish(message: OutboxMessage) -> bool:
    """Publish one message; True if the broker took it (or it ran eagerly). Never raises for the broker."""
    app = current_app
    eager = bool(app.conf.task_always_eager)
    claimed = OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True)
    if eager:
        # Eager mode (the embedded default, most tests): run it here, as `.delay()` would. Marked sent
        # first so that a failing task is not run again by a sweep, as with a published message.
        if not claimed.update(sent_at=timezone.now(), attempts=message.attempts + 1):
            return False
        _task(message.task_name).apply_async(kwargs=message.kwargs, queue=message.queue or None)
        return True
    options = {"queue": message.queue} if message.queue else {}
    try:
        app.send_task(message.task_name, kwargs=message.kwargs, retry=True,
                      retry_policy=PUBLISH_RETRY_POLICY, **options)
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the row pending
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=type(exc).__name__[:120])
        logger.warning("outbox: message %s (%s) not published: %s; it stays pending",
                       message.pk, message.task_name, type(exc).__name__)
        return False
    claimed.update(sent_at=timezone.now(), attempts=message.attempts + 1, last_error="")
    return True


def outbox_publish_pending(*, older_than_s: float | None = None, batch: int = 500) -> dict:
    """Publish what is still pending (the broker was down, or the process died after commit).

    Only rows older than `older_than_s` are taken, so a message whose own after-commit publish is
    under way is left to it. Rows are locked with SKIP LOCKED, so two sweepers never take the same one.
    """
    if older_than_s is None:
        older_than_s = settings.OUTBOX_SWEEP_AFTER_S
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    published = failed = 0
    while True:
        with transaction.atomic():
            rows = OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)
            messages = list(rows[:batch])
            for message in messages:
                if publish(message):
                    published += 1
                else:
                    failed += 1
        if failed or len(messages) < batch:
            break
    return {"published": published, "failed": failed}


def outbox_prune(*, older_than_days: int = 7) -> int:
    """Sent rows are kept a week for inquiries, then deleted."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
