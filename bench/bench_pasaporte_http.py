"""Benchmark over HTTP: booking a cita on a running portal (gunicorn, PostgreSQL) against the free-turns page as baseline.

Run (PostgreSQL required; a throw-away test_<name> database is created and dropped):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/pas2_bench .venv/bin/python bench/bench_pasaporte_http.py \
      --clients 4,16 --people 160
Each concurrency level gets its own sede and citizens (one cita each: a person holds one active cita).
Booking enqueues validation on a Redis broker nobody consumes (--broker, emptied at the end), so the
figure is the booking request itself, as in production, not the validation behind it.
"""
import argparse
import html
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")
os.environ.setdefault("MIGRACIONES_ENV", "test")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MESSAGE_RE = re.compile(r'<li class="error">([^<]+)</li>')
WARMUP_REQUESTS = 24


@dataclass
class Client:
    """One citizen's browser: its session cookie, CSRF token and application."""

    session: requests.Session
    csrf: str = ""


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def summary(times: list[float], wall: float) -> dict:
    return {"requests": len(times), "req_per_s": round(len(times) / wall, 1),
            "p50_ms": round(statistics.median(times) * 1000, 1), "p95_ms": round(p95(times) * 1000, 1)}


def setup_database() -> str:
    """A fresh test_<name> database with every migration; returns its name."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    return connection.creation.create_test_db(verbosity=0, autoclobber=True)


def start_server(db_name: str, port: int, broker: str, workers: int, threads: int) -> subprocess.Popen:
    import socket

    from django.db import connection

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is already in use: choose another with --port")
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                                        f"{db['PORT'] or 5432}/{db_name}",
               CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND="", DJANGO_DEBUG="0", DB_CONN_MAX_AGE="60")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "migraciones.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--keep-alive", "60",
         "--log-level", "warning"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:  # e.g. the port is taken: never measure someone else's server
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            # The first request also loads Django in each worker: slow on a busy machine.
            if requests.get(f"http://127.0.0.1:{port}/cuentas/ingresar/", timeout=20).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    server.wait(20)
    raise RuntimeError("gunicorn did not answer within 90 s")


def make_clients(level: int, people: int) -> tuple[str, list[Client]]:
    """A sede with its turns and `people` citizens, each signed in with a paid application."""
    from django.conf import settings
    from django.test import Client as DjangoClient

    from pasaporte import services
    from pasaporte.tests import factories

    factories.reference_data()
    code = f"BEN{level:02d}"
    office = factories.office(code, counters=4, slot_minutes=20)
    services.slots_ensure(office=office)
    clients = []
    for n in range(people):
        user = factories.citizen(f"6{level:02d}{n:05d}", email="")
        factories.paid_application(user, receipt=f"{8_000_000 + level * 10_000 + n}")
        browser = DjangoClient()
        # Sessions are made directly: sign-in (a password hash) is not what this benchmark measures.
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, browser.cookies[settings.SESSION_COOKIE_NAME].value)
        clients.append(Client(session))
    return code, clients


def free_turns_page(base: str, code: str, client: Client) -> float:
    started = time.perf_counter()
    reply = client.session.get(f"{base}/pasaporte/cita/", params={"sede": code}, timeout=30)
    elapsed = time.perf_counter() - started
    reply.raise_for_status()
    client.csrf = CSRF_RE.findall(reply.text)[-1]
    return elapsed


def book(base: str, client: Client, slot_id: str) -> tuple[float, str]:
    started = time.perf_counter()
    reply = client.session.post(f"{base}/pasaporte/cita/", data={"slot": slot_id, "csrfmiddlewaretoken": client.csrf},
                                allow_redirects=False, timeout=30)
    elapsed = time.perf_counter() - started
    if reply.status_code == 302:
        return elapsed, "booked"
    refusal = MESSAGE_RE.search(reply.text)  # the page again, with the reason (e.g. the turn is full)
    if reply.status_code != 200 or refusal is None:
        raise RuntimeError(f"booking answered {reply.status_code}: {reply.text[:300]}")
    return elapsed, html.unescape(refusal.group(1))


def run_level(base: str, level: int, people: int, spread: int) -> dict:
    code, clients = make_clients(level, people)
    # Warm-up, not measured: the first requests of each gunicorn thread load templates and URL tables.
    with ThreadPoolExecutor(max_workers=level) as pool:
        list(pool.map(lambda n: free_turns_page(base, code, clients[n % len(clients)]), range(WARMUP_REQUESTS)))
    # Baseline: every citizen opens the free-turns page (this also gives each one its CSRF token).
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=level) as pool:
        reads = list(pool.map(lambda c: free_turns_page(base, code, c), clients))
    read_wall = time.perf_counter() - started
    # Everyone books one of the sede's next `spread` turns: a crowd on the same turns, as on opening day.
    choices = next_turns(code, spread)
    rng = random.Random(level)
    picks = [str(rng.choice(choices)) for _ in clients]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=level) as pool:
        bookings = list(pool.map(lambda pair: book(base, *pair), zip(clients, picks)))
    book_wall = time.perf_counter() - started
    outcomes = Counter(outcome for _, outcome in bookings)
    return {"clients": level, "free_turns_page": summary(reads, read_wall),
            "booking": {**summary([t for t, _ in bookings], book_wall), "outcomes": dict(outcomes),
                        "booked_only": summary([t for t, o in bookings if o == "booked"], book_wall)},
            "consistent": check_consistency(code, outcomes["booked"])}


def next_turns(code: str, count: int) -> list[int]:
    from django.utils import timezone

    from citas.models import Slot

    return list(Slot.objects.filter(office__code=code, starts_at__gt=timezone.now())
                .order_by("starts_at").values_list("pk", flat=True)[:count])


def check_consistency(code: str, booked: int) -> bool:
    """No turn over capacity, and exactly one active cita for each booking the server confirmed."""
    from django.db.models import F

    from citas.models import Appointment, Slot

    over = Slot.objects.filter(office__code=code, booked__gt=F("capacity")).count()
    active = Appointment.objects.filter(slot__office__code=code, status=Appointment.Status.BOOKED).count()
    counted = sum(Slot.objects.filter(office__code=code).values_list("booked", flat=True))
    return over == 0 and active == booked == counted


def empty_broker(broker: str) -> None:
    import redis

    redis.Redis.from_url(broker).flushdb()  # only this benchmark's database number


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="4,16", help="concurrency levels, comma-separated")
    parser.add_argument("--people", type=int, default=160, help="citizens (and bookings) per level")
    parser.add_argument("--spread", type=int, default=60, help="how many of the next turns the crowd picks from")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()
    db_name = setup_database()
    from django.conf import settings
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    server = None
    try:
        server = start_server(db_name, args.port, args.broker, args.workers, args.threads)
        print(f"gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL {db_name}")
        for level in (int(x) for x in args.clients.split(",")):
            print(run_level(f"http://127.0.0.1:{args.port}", level, args.people, args.spread), flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        empty_broker(args.broker)
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
