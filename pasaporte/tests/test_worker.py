"""The pipeline on a real Celery worker: a RENIEC outage during validation, a worker killed during personalization."""
import os
import signal
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from pasaporte import services
from outbox.models import OutboxMessage
from pasaporte.models import Application, CheckResult, Passport, PassportNumberCounter
from rim.models import IdentityDocument

from . import factories

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
S = Application.Status


def _book(citizen, office) -> Application:
    application = factories.paid_application(citizen)
    # Not inside a test transaction: the validation task goes to the worker when this commits.
    services.appointment_book(actor=citizen, application_id=application.pk, slot_id=factories.future_slot(office).pk)
    return application


def _wait(condition, what: str, *, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"after {timeout_s:.0f} s: {what}; see var/celery-test-worker.log")


def test_reniec_down_during_validation_the_application_waits_visibly_and_completes_once_back(
        citizen, office, external_systems, celery_worker_process, client):
    # given RENIEC answers 503 to every request
    external_systems.fault("reniec", status=503)
    # when the citizen books and the worker validates
    application = _book(citizen, office)
    pending = factories.wait_for_status(application.pk, {S.VALIDATION_PENDING, S.VALIDATED, S.OBSERVED}, timeout_s=20)
    # then the application waits, and the citizen sees why on their page
    assert pending.status == S.VALIDATION_PENDING and "RENIEC" in pending.status_reason
    client.force_login(citizen)
    page = client.get(reverse("pasaporte:home")).content.decode()
    assert "Validación pendiente" in page and "RENIEC" in page
    # and the worker keeps retrying without approving it while RENIEC is down
    outages = CheckResult.objects.filter(application=application, source="RENIEC", outcome="UNAVAILABLE")
    _wait(lambda: outages.count() >= 2, "the worker did not retry the validation")
    assert Application.objects.get(pk=application.pk).status == S.VALIDATION_PENDING
    # when RENIEC is back, the next retry completes it with nobody stepping in
    external_systems.clear_faults()
    done = factories.wait_for_status(application.pk, {S.VALIDATED, S.OBSERVED}, timeout_s=30)
    assert done.status == S.VALIDATED
    assert [e.to_status for e in done.events.all()] == [S.PAID, S.BOOKED, S.VALIDATION_PENDING, S.VALIDATED]
    assert CheckResult.objects.filter(application=done, source="RENIEC", outcome="CLEAR").count() == 1
    assert "Validado" in client.get(reverse("pasaporte:home")).content.decode()


class _RowLock(threading.Thread):
    """SELECT ... FOR UPDATE on its own connection, held until `release` is set."""

    def __init__(self, queryset) -> None:
        super().__init__(daemon=True)
        self.queryset = queryset
        self.backend_pid: int | None = None
        self.started_waiting, self.acquired, self.release = threading.Event(), threading.Event(), threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.backend_pid = cursor.fetchone()[0]
                self.started_waiting.set()
                list(self.queryset.select_for_update())
                self.acquired.set()
                self.release.wait(90)
        finally:
            connection.close()


def _waiting_for_lock(table: str) -> set[int]:
    """Database sessions (other than this one) waiting for a row lock on `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query LIKE %s AND pid <> pg_backend_pid()", [f'%FROM "{table}"%'])
        return {pid for (pid,) in cursor.fetchall()}


def _worker_settled() -> None:
    """Wait until the worker runs nothing and the outbox holds nothing unsent (twice in a row), so that
    the test database's flush does not meet a task still holding rows (e.g. a step's e-mail)."""
    from migraciones.celery import app

    def idle() -> bool:
        inspect = app.control.inspect(timeout=1.0)
        busy = any((inspect.active() or {}).values()) or any((inspect.reserved() or {}).values())
        return not busy and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

    _wait(lambda: idle() and idle(), "the worker did not settle", timeout_s=60)


def _child_running(task_name: str, application_id: int) -> int | None:
    """The pid of the prefork child running this task (asked to the worker over the broker)."""
    from migraciones.celery import app

    for tasks in (app.control.inspect(timeout=1.0).active() or {}).values():
        for task in tasks:
            # Tasks go through the outbox with keyword arguments; older messages had positional ones.
            if task["name"] == task_name and (list(task["args"]) == [application_id]
                                              or (task.get("kwargs") or {}).get("application_id") == application_id):
                return task["worker_pid"]
    return None


def _enroll(officer, application: Application) -> None:
    services.enrollment_record(
        actor=officer, application_id=application.pk, face=factories.read("faces/obama2.jpg"),
        fingers={1: factories.read("fingerprints/sourceafis_probe.png"), 2: factories.read("fingerprints/jmrtd_fp.wsq")},
        signature=factories.read("fingerprints/utkarsh_2.jpg"),
    )


def test_a_worker_killed_during_personalization_finishes_the_job_once_with_one_number(
        citizen, office, officer, external_systems, celery_worker_process):
    # given a validated application and the next passport number
    application = _book(citizen, office)
    factories.wait_for_status(application.pk, {S.VALIDATED}, timeout_s=20)
    first_number = PassportNumberCounter.objects.get().next_value
    # Row locks hold the job at known points, so the kill lands mid-job every time, not by luck.
    counter_lock = _RowLock(PassportNumberCounter.objects.all())
    counter_lock.start()
    assert counter_lock.acquired.wait(10)
    # when the officer enrolls, the job starts on the worker and waits for the number counter
    _enroll(officer, application)
    _wait(lambda: _waiting_for_lock("pasaporte_passportnumbercounter"), "the personalization job did not start")
    # an application lock queued now is granted as soon as the number is committed, before the job
    # asks for it again to finish: the job then waits with its number taken and the chip not stored
    application_lock = _RowLock(Application.objects.filter(pk=application.pk))
    application_lock.start()
    _wait(lambda: application_lock.started_waiting.is_set()
          and application_lock.backend_pid in _waiting_for_lock("pasaporte_application"),
          "the application lock did not queue behind the job")
    counter_lock.release.set()
    assert application_lock.acquired.wait(20)
    allocated = Passport.objects.get(application=application)
    assert allocated.number == f"{first_number:09d}" and not allocated.chip_image
    _wait(lambda: _waiting_for_lock("pasaporte_application") - {application_lock.backend_pid},
          "the job did not reach its last step")
    child = _wait(lambda: _child_running("pasaporte.tasks.personalize_passport_task", application.pk),
                  "the worker does not report the job as active")
    # when the worker's child process is killed in the middle of the job
    os.kill(child, signal.SIGKILL)
    application_lock.release.set()
    application_lock.join(10)
    # then the message is delivered again and the job finishes once, with the number it already had
    done = factories.wait_for_status(application.pk, {S.READY}, timeout_s=60)
    assert celery_worker_process.poll() is None, "the main worker process should survive its child"
    passport = Passport.objects.get(application=done)
    assert passport.number == allocated.number and passport.qc["passed"]
    assert Passport.objects.count() == 1
    assert PassportNumberCounter.objects.get().next_value == first_number + 1  # no second number taken
    assert IdentityDocument.objects.filter(number=passport.number, kind="PASAPORTE").count() == 1
    assert CheckResult.objects.filter(application=done, source="QC").count() == 1
    assert [e.to_status for e in done.events.all()] == [
        S.PAID, S.BOOKED, S.VALIDATED, S.ENROLLED, S.PERSONALIZING, S.READY]
