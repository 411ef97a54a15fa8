"""Benchmark of the e-passport service: booking vs the free-turns read, enrollment -> ready, passports per minute.

Run: .venv/bin/python bench/bench_pasaporte_flow.py [--runs 10] [--clients 8]
(a throw-away test database; simulators on loopback at their default latency; DATABASE_URL picks PostgreSQL).
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")
os.environ.setdefault("MIGRACIONES_ENV", "test")


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def setup():
    import django

    django.setup()
    import tempfile

    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MRTD_PKI_DIR = Path(tempfile.mkdtemp()) / "pki"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from integraciones.simulators import PREFIXES, start_in_thread

    _server, url = start_in_thread(notify_secret=settings.BANCO_NACION_NOTIFY_SECRET)  # default latencies
    for name, attr in (("reniec", "RENIEC_URL"), ("banco_nacion", "BANCO_NACION_URL"), ("pnp", "PNP_URL"),
                       ("interpol", "INTERPOL_URL")):
        setattr(settings, attr, f"{url}{PREFIXES[name]}")
    from migraciones.celery import app

    app.conf.task_always_eager = True


def bench_booking(clients: int, people: int) -> dict:
    from django.db import connections

    from core.errors import Conflict
    from pasaporte import selectors, services
    from pasaporte.tests import factories

    office = factories.office("BENCH", counters=4, slot_minutes=15)
    services.slots_ensure(office=office)
    users = [factories.citizen(f"6{n:07d}", email="") for n in range(people)]
    apps = [factories.paid_application(u, receipt=f"{9_000_000 + n}").pk for n, u in enumerate(users)]
    from pasaporte import tasks
    tasks.validate_application_task.delay = lambda *a, **k: None  # measure booking, not validation
    slots = list(selectors.free_slots(office=office, day=selectors.next_free_days(office=office)[0].day))

    def timed(fn):
        started = time.perf_counter()
        try:
            fn()
        except Conflict:
            pass
        finally:
            connections.close_all()
        return time.perf_counter() - started

    def read(_):
        return timed(lambda: (services.slots_ensure(office=office), selectors.next_free_days(office=office),
                              list(selectors.free_slots(office=office, day=slots[0].starts_at.date()))))

    def book(i):
        return timed(lambda: services.appointment_book(actor=users[i], application_id=apps[i],
                                                       slot_id=slots[i % len(slots)].pk))

    results = {}
    for name, fn in (("free_turns_read", read), ("booking", book)):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            times = list(pool.map(fn, range(people)))
        wall = time.perf_counter() - started
        results[name] = {"req_per_s": round(people / wall, 1), "p50_ms": round(statistics.median(times) * 1000, 1),
                         "p95_ms": round(p95(times) * 1000, 1)}
    return results


def bench_enrollment_to_ready(runs: int) -> dict:
    from django.test import TestCase

    from pasaporte import services
    from pasaporte.models import Application
    from pasaporte.tests import factories

    office = factories.office("BENCH2")
    officer = factories.staff("bench.officer", "officer", office)
    biden = factories.read("faces/biden.jpg")
    from integraciones import reniec
    dnis = [d for d in (f"4100{n:04d}" for n in range(1, 400)) if reniec.get_client().lookup(d).photo_jpeg == biden]
    fingers = {1: factories.read("fingerprints/sourceafis_probe.png"), 2: factories.read("fingerprints/jmrtd_fp.wsq")}
    signature = factories.read("fingerprints/utkarsh_2.jpg")
    services.pki_load()  # the PKI is created once, not inside the measurement
    import tempfile

    from django.conf import settings

    counter, validation, personalize, pipeline = [], [], [], []
    for n in range(runs):
        user = factories.citizen(dnis[n], email="")
        application = factories.paid_application(user, receipt=f"{9_500_000 + n}")
        # each person is enrolled with the shared demo face: a fresh 1:N gallery per run, or it is a duplicate
        settings.BIOMETRIA_GALLERY_DIR = tempfile.mkdtemp(prefix="bench-gallery-")
        started = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=True):  # booking queues validation (run eagerly here)
            services.appointment_book(actor=user, application_id=application.pk,
                                      slot_id=factories.future_slot(office, hour=8 + n % 9, days=2 + n // 9).pk)
        validation.append(time.perf_counter() - started)
        started = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.enrollment_record(actor=officer, application_id=application.pk, face=biden, fingers=fingers,
                                       signature=signature)
        application.refresh_from_db()
        assert application.status == Application.Status.READY, application.status_reason
        personalization_s = (application.ready_at - application.enrolled_at).total_seconds()
        counter.append(time.perf_counter() - started - personalization_s)
        personalize.append(personalization_s)
        pipeline.append(validation[-1] + personalization_s)
    return {"runs": runs,
            "validation_p50_s": round(statistics.median(validation), 3),
            "personalization_and_qc_p50_s": round(statistics.median(personalize), 3),
            "enrollment_to_ready_p50_s": round(statistics.median(pipeline), 3),
            "enrollment_to_ready_p95_s": round(p95(pipeline), 3),
            "counter_capture_p50_s": round(statistics.median(counter), 3),
            "counter_capture_p95_s": round(p95(counter), 3),
            "passports_per_minute_one_worker": round(60 / statistics.median(personalize), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    setup()
    from django.db import connection

    print("database:", connection.vendor)
    print("enrollment -> ready:", bench_enrollment_to_ready(args.runs))
    print("booking vs free-turns read:", bench_booking(args.clients, args.people))


if __name__ == "__main__":
    main()
