"""Bookings during a broker outage and a worker killed mid-validation, on Redis with a real worker: nothing is lost,
nothing is done twice."""
import os
import signal
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from outbox.models import OutboxMessage
from pasaporte.models import Application, CheckResult

from . import factories
from .test_worker import _book, _child_running, _RowLock, _wait, _waiting_for_lock, _worker_settled

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
S = Application.Status
DECIDED = {S.VALIDATED, S.OBSERVED}
VALIDATE = "pasaporte.tasks.validate_application_task"
BOOKINGS = 12


def _signed_in(user) -> Client:
    """A browser with the user's session (as force_login leaves it, without the login signal's side work)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def test_bookings_made_while_the_broker_is_down_are_all_validated_once_it_is_back(
        office, external_systems, celery_worker_process, broker_outage, capsys):
    # Given the web side cannot reach the broker (the worker keeps its own connection)
    slot = factories.future_slot(office, capacity=BOOKINGS)
    citizens = [factories.citizen(f"41{n:05d}7", email=f"c{n}@example.pe") for n in range(BOOKINGS)]
    applications = [factories.paid_application(citizen) for citizen in citizens]
    # When every citizen books on the page
    started = time.monotonic()
    for citizen in citizens:
        client = _signed_in(citizen)  # one browser per citizen
        page = client.post(reverse("pasaporte:book"), {"slot": slot.pk})
        # Then the page answers as usual: the cita is booked
        assert page.status_code == 302 and page["Location"].endswith(reverse("pasaporte:appointment_confirmation"))
    booking_s = time.monotonic() - started
    ids = [a.pk for a in applications]
    assert Application.objects.filter(pk__in=ids, status=S.BOOKED).count() == BOOKINGS
    # and each validation waits in the outbox, none reached the worker
    pending = OutboxMessage.objects.filter(task_name=VALIDATE, sent_at__isnull=True)
    assert pending.count() == BOOKINGS
    time.sleep(1.0)
    assert Application.objects.filter(pk__in=ids, status=S.BOOKED).count() == BOOKINGS
    # When the broker is back and the sweep runs (the beat does it every OUTBOX_SWEEP_INTERVAL_S)
    broker_outage.restore()
    recovered = time.monotonic()
    call_command("outbox_sweep", "--older-than", "0")
    # Then every application is validated, once
    _wait(lambda: Application.objects.filter(pk__in=ids, status__in=DECIDED).count() == BOOKINGS,
          "not every booking made during the outage was validated", timeout_s=90)
    recovery_s = time.monotonic() - recovered
    assert not OutboxMessage.objects.filter(task_name=VALIDATE, sent_at__isnull=True).exists()
    duplicates = 0
    for application in Application.objects.filter(pk__in=ids):
        renice = CheckResult.objects.filter(application=application, source="RENIEC").count()
        decisions = application.events.filter(to_status__in=DECIDED).count()
        duplicates += (renice - 1) + (decisions - 1)
        assert [e.to_status for e in application.events.all()][:2] == [S.PAID, S.BOOKED]
    assert duplicates == 0
    # A second sweep finds nothing left to publish
    call_command("outbox_sweep", "--older-than", "0")
    assert OutboxMessage.objects.filter(task_name=VALIDATE).count() == BOOKINGS
    _worker_settled()
    with capsys.disabled():
        print(f"\n[figures] broker outage: {BOOKINGS} bookings in {booking_s:.2f} s, {BOOKINGS} applications "
              f"booked, {BOOKINGS} validations pending in the outbox; after recovery all {BOOKINGS} decided in "
              f"{recovery_s:.1f} s; duplicates {duplicates}, losses 0")


def test_a_worker_killed_in_the_middle_of_a_validation_validates_it_once(
        citizen, office, external_systems, celery_worker_process, capsys):
    # Given PNP answers slowly, so the validation is under way when its application row is locked
    external_systems.fault("pnp", latency_ms=800)
    application = _book(citizen, office)
    lock = _RowLock(Application.objects.filter(pk=application.pk))
    lock.start()
    assert lock.acquired.wait(10)
    # When the worker's child has asked every source and waits to store the outcome
    _wait(lambda: _waiting_for_lock("pasaporte_application"), "the validation did not reach its last step")
    child = _wait(lambda: _child_running(VALIDATE, application.pk), "the worker does not report the validation")
    # and is killed there
    os.kill(child, signal.SIGKILL)
    killed = time.monotonic()
    lock.release.set()
    lock.join(10)
    external_systems.clear_faults()
    # Then the message is delivered again and the application is validated once
    done = factories.wait_for_status(application.pk, DECIDED, timeout_s=60)
    redelivered_s = time.monotonic() - killed
    assert celery_worker_process.poll() is None
    events = [e.to_status for e in done.events.all()]
    assert events[:2] == [S.PAID, S.BOOKED] and sum(e in DECIDED for e in events) == 1
    assert CheckResult.objects.filter(application=done, source="RENIEC").count() == 1
    _worker_settled()
    with capsys.disabled():
        print(f"\n[figures] worker killed mid-validation: decided once after {redelivered_s:.1f} s; "
              f"checks stored {CheckResult.objects.filter(application=done).count()}, events {len(events)}")
