"""The outbox: a side effect committed with its change survives a broker outage and runs once it is back."""
import datetime as dt
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from conftest import skip_or_fail
from cuentas.models import DeviceNonce
from outbox import selectors, services
from outbox.models import OutboxMessage

PURGE = "cuentas.tasks.device_nonces_purge"


def _old_nonce(nonce: str) -> DeviceNonce:
    row = DeviceNonce.objects.create(key_id="GATE-TEST", nonce=nonce)
    DeviceNonce.objects.filter(pk=row.pk).update(seen_at=timezone.now() - dt.timedelta(days=2))
    return row


def _queue_length(queue: str) -> int:
    return redis.Redis.from_url(django_settings.CELERY_BROKER_URL).llen(queue)


def _needs_broker():
    if not django_settings.CELERY_BROKER_URL:
        skip_or_fail("CELERY_BROKER_URL is not set: no broker to publish to")


@pytest.mark.django_db(transaction=True)
def test_enqueuing_outside_the_changing_transaction_is_refused():
    # when a task is enqueued with no transaction open
    # then it is refused: a side effect must commit with the change that causes it
    with pytest.raises(services.OutboxError):
        services.enqueue_task(PURGE)
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", [b"\xff\xd8jpeg", "x" * 65, {"face": [0.1, 0.2]}, 1.5])
def test_personal_or_biometric_payloads_are_refused(value):
    # when a caller tries to pass image bytes, a long text or a structure to the broker
    with transaction.atomic(), pytest.raises(services.OutboxError):
        services.enqueue_task(PURGE, kwargs={"data": value})
    # then nothing is recorded
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_in_eager_mode_the_task_runs_after_commit_and_not_before():
    stale = _old_nonce("n-eager")
    # given a transaction that enqueues the purge and is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue_task(PURGE)
        raise RuntimeError("the change fails")
    # then nothing ran and nothing is pending
    assert DeviceNonce.objects.filter(pk=stale.pk).exists()
    assert OutboxMessage.objects.count() == 0
    # when the same enqueue commits
    with transaction.atomic():
        message = services.enqueue_task(PURGE)
    # then the task ran once and the row is marked sent
    assert not DeviceNonce.objects.filter(pk=stale.pk).exists()
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_leaves_the_message_pending_and_the_sweep_publishes_it(settings, broker_outage):
    _needs_broker()
    from migraciones.celery import app

    app.conf.task_always_eager = False
    queue = "outbox-test"
    before = _queue_length(queue)
    # given the broker is unreachable when the change commits
    started = time.monotonic()
    with transaction.atomic():
        message = services.enqueue_task(PURGE, queue=queue)
    took = time.monotonic() - started
    # then the commit succeeds without an error, quickly, and the message stays pending, saying why
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1
    assert message.last_error  # the exception's class name, nothing of the payload
    assert took < 5
    assert selectors.outbox_pending_count() == 1
    # when a sweep runs while the broker is still down, it fails and keeps the row
    assert services.outbox_publish_pending(older_than_s=0) == {"published": 0, "failed": 1}
    # when the broker is back and the sweep runs
    broker_outage.restore()
    assert services.outbox_publish_pending(older_than_s=0) == {"published": 1, "failed": 0}
    # then the message is on the broker's queue once, and nothing is left pending
    assert _queue_length(queue) == before + 1
    assert selectors.outbox_pending_count() == 0
    assert services.outbox_publish_pending(older_than_s=0) == {"published": 0, "failed": 0}
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(queue)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_young_rows_to_their_own_publish(settings, broker_outage):
    _needs_broker()
    from migraciones.celery import app

    app.conf.task_always_eager = False
    with transaction.atomic():
        services.enqueue_task(PURGE, queue="outbox-test")
    broker_outage.restore()
    # when the sweep runs with the default age limit right after the failed publish
    # then it does not touch the row yet (OUTBOX_SWEEP_AFTER_S)
    settings.OUTBOX_SWEEP_AFTER_S = 30
    assert services.outbox_publish_pending() == {"published": 0, "failed": 0}
    assert selectors.outbox_pending_count() == 1
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete("outbox-test")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_during_an_outage_runs_on_the_worker_after_recovery(celery_worker_process, broker_outage):
    stale = _old_nonce("n-worker")
    # given the web side cannot reach the broker when the change commits
    with transaction.atomic():
        services.enqueue_task(PURGE)
    # then the work is not done, but it is not lost either
    time.sleep(1)
    assert DeviceNonce.objects.filter(pk=stale.pk).exists()
    assert selectors.outbox_pending_count() == 1
    # when the broker is reachable again and the sweep command runs
    broker_outage.restore()
    from django.core.management import call_command

    call_command("outbox_sweep", "--older-than", "0")
    # then the real worker runs the task
    deadline = time.monotonic() + 30
    while DeviceNonce.objects.filter(pk=stale.pk).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not DeviceNonce.objects.filter(pk=stale.pk).exists()
    assert selectors.outbox_pending_count() == 0
