"""Benchmarks of tramites (issue 13): filing over HTTP, the officers' queue over 1,000,000 cases, and the
beat's deadline task over them. Each against a baseline measured in the same run.

  # 1,000,000 cases in a dedicated database (once: about 3 minutes with the migrations)
  createdb -h 127.0.0.1 -U postgres mig_hbench_1m
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/mig_hbench_1m
  .venv/bin/python manage.py migrate && .venv/bin/python bench/bench_tramites.py seed --cases 1000000

  # the officers' queue page over HTTP (gunicorn) against /tramites/ (the catalogue) as the plain page
  .venv/bin/python bench/bench_tramites.py queue --requests 150 --clients 2 --explain
  # the beat's deadline task (run inside a transaction that is rolled back, so it can be repeated)
  .venv/bin/python bench/bench_tramites.py deadlines --runs 2

  # filing over HTTP with concurrent clients (a throw-away test_<name> database; bank simulator on loopback)
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/mig_hbench .venv/bin/python bench/bench_tramites.py filing \
      --clients 2,4,8 --filings 24
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")
os.environ.setdefault("MIGRACIONES_ENV", "test")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMIT_KEY_RE = re.compile(r'name="submit_key" value="([^"]+)"')


def pct(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def django_setup() -> None:
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL.")


def start_server(db_url: str, port: int, *, broker: str, cache: str, workers: int = 2, threads: int = 4,
                 extra_env: dict | None = None) -> subprocess.Popen:
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is already in use: choose another with --port")
    env = dict(os.environ, DATABASE_URL=db_url, CELERY_BROKER_URL=broker, CELERY_RESULT_BACKEND="",
               REDIS_URL=cache, DJANGO_DEBUG="0", DB_CONN_MAX_AGE="60", **(extra_env or {}))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "migraciones.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--keep-alive", "60",
         "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:  # never measure someone else's server
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/cuentas/ingresar/", timeout=20).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    server.wait(20)
    raise RuntimeError("gunicorn did not answer within 120 s")


def stop_server(server: subprocess.Popen | None) -> None:
    if server is not None:
        server.terminate()
        server.wait(20)


def session_for(user, *, otp: bool = False) -> requests.Session:
    """A signed-in browser session made directly (signing in, a password hash, is not what is measured)."""
    from django.conf import settings
    from django.test import Client as DjangoClient

    browser = DjangoClient()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if otp:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True)
        session = browser.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    out = requests.Session()
    out.cookies.set(settings.SESSION_COOKIE_NAME, browser.cookies[settings.SESSION_COOKIE_NAME].value)
    out.cookies.set("django_language", "es")
    return out


# ---- seed ---------------------------------------------------------------------------------------------

def cmd_seed(args) -> None:
    django_setup()
    from bench.bench_tramites_data import seed

    print(seed(cases=args.cases, applicants=args.applicants), flush=True)


# ---- the officers' queue ---------------------------------------------------------------------------------

QUEUE_VARIANTS = [  # (label, query string): what an officer opens, page 1 and a later page
    ("all open, page 1", ""),
    ("one procedure", "?tramite=CAMBIO_CALIDAD_ESPECIAL_RESIDENTE"),
    ("one status", "?estado=CORRECTED"),
    ("mine", "?mios=1"),
]


def _officer(office_code: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(office__code=office_code, groups__name="officer").order_by("pk").first()


def _explain(office_code: str) -> None:
    """EXPLAIN ANALYZE of each query the selector sends for the page's variants."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tramites import selectors

    officer = _officer(office_code)
    first = selectors.queue(office_id=officer.office_id)
    calls = {
        "all open": lambda: selectors.queue(office_id=officer.office_id),
        "one procedure": lambda: selectors.queue(office_id=officer.office_id,
                                                 procedure_code="CAMBIO_CALIDAD_ESPECIAL_RESIDENTE"),
        "one status": lambda: selectors.queue(office_id=officer.office_id, status="CORRECTED"),
        "mine": lambda: selectors.queue(office_id=officer.office_id, assigned_to=officer),
        "page after 50": lambda: selectors.queue(office_id=officer.office_id, after=(first[-1].due_on, first[-1].pk)),
    }
    for label, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        for query in captured.captured_queries:
            if "tramites_case" not in query["sql"]:
                continue
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = [r[0] for r in cur.fetchall()]
            print(f"--- EXPLAIN ANALYZE {label}:\n  " + "\n  ".join(plan), flush=True)


def cmd_queue(args) -> None:
    django_setup()
    from django.db import connection

    from tramites import selectors

    officer = _officer(args.office)
    if officer is None:
        sys.exit("no officer for that sede: run `seed` first")
    from tramites.models import Case

    open_cases = Case.objects.filter(office_id=officer.office_id, status__in=selectors.UNDECIDED).count()
    print(f"sede {args.office}: {open_cases:,} open cases of {Case.objects.count():,}", flush=True)
    if args.explain:
        _explain(args.office)
    # In process: the selector alone, and the page's other reads.
    timings = []
    for _ in range(args.requests // 4):
        started = time.perf_counter()
        rows = selectors.queue(office_id=officer.office_id)
        rows = list(rows)
        [selectors.business_days_left(c) for c in rows]
        timings.append(time.perf_counter() - started)
    print({"selector + days left, in process": pct(timings)}, flush=True)
    db = connection.settings_dict
    url = (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
           f"{db['NAME']}")
    session = session_for(officer, otp=True)
    cookies = session.cookies.get_dict()
    server = start_server(url, args.port, broker=args.broker, cache=args.cache)
    base = f"http://127.0.0.1:{args.port}"
    results = {}
    try:
        def get(path: str) -> float:
            client = requests.Session()
            client.cookies.update(cookies)
            started = time.perf_counter()
            reply = client.get(base + path, timeout=60, allow_redirects=False)
            elapsed = time.perf_counter() - started
            if reply.status_code != 200:
                raise RuntimeError(f"{path} answered {reply.status_code}")
            return elapsed

        # The next page's link, as an officer follows it.
        first = requests.get(base + "/tramites/servidor/", cookies=cookies, timeout=60)
        following = re.search(r'href="(\?[^"]*desde_id=\d+)"', first.text)
        variants = QUEUE_VARIANTS + ([("next page", following.group(1).replace("&amp;", "&"))] if following else [])
        plain = "/tramites/"  # the catalogue: a plain page of the same stack (session, 10 procedures, a list)
        for _ in range(args.warmup):
            get(plain)
            for _label, query in variants:
                get("/tramites/servidor/" + query)
        for label, path in [("baseline: catalogue /tramites/", plain)] + [
                (f"queue: {label}", "/tramites/servidor/" + query) for label, query in variants]:
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.clients) as pool:
                samples = list(pool.map(lambda _n: get(path), range(args.requests)))
            wall = time.perf_counter() - started
            results[label] = {**pct(samples), "req_per_s": round(len(samples) / wall, 1)}
            print(label, results[label], flush=True)
    finally:
        stop_server(server)
        import redis

        for url in (args.broker, args.cache):
            redis.Redis.from_url(url).flushdb()  # only this benchmark's database numbers
    print(results)


# ---- the deadline task ---------------------------------------------------------------------------------------

def deadlines_walk_all(*, today, batch: int = 2000) -> dict[str, int]:
    """The task as it was (baseline): every RESOLVED, NOTIFIED and OBSERVED case (the first `batch` of
    each) and every overdue positive-silence case, each step under its own lock."""
    from tramites.catalogue import spec_of
    from tramites.models import Case, ProcedureType
    from tramites.services import deadlines as d

    S = Case.Status
    done = {"notified": 0, "final": 0, "not_filed": 0, "abandoned": 0, "silence": 0}
    for case_id in Case.objects.filter(status=S.RESOLVED).values_list("pk", flat=True)[:batch]:
        done["notified"] += d.case_notification_sync(case_id=case_id)
    for case_id in Case.objects.filter(status=S.NOTIFIED).values_list("pk", flat=True)[:batch]:
        done["final"] += d.case_finality(case_id=case_id, today=today)
    for case_id in Case.objects.filter(status=S.OBSERVED).values_list("pk", flat=True)[:batch]:
        result = d.case_observation_lapse(case_id=case_id, today=today)
        done["not_filed"] += result == S.NOT_FILED
        done["abandoned"] += result == S.ABANDONED
    positive = [p.pk for p in ProcedureType.objects.all() if spec_of(p).silence == "POSITIVE"]
    overdue = (Case.objects.filter(status__in=(S.FILED, S.IN_EVALUATION, S.CORRECTED), due_on__lt=today,
                                   procedure_id__in=positive).values_list("pk", flat=True)[:batch])
    for case_id in overdue:
        done["silence"] += d.case_positive_silence(case_id=case_id, today=today)
    return done


class _Rollback(Exception):
    pass


def _timed_in_rollback(fn, **kwargs) -> list[tuple[float, dict]]:
    """Run fn twice (the beat's run, then the next one with nothing new due) inside a transaction that is
    rolled back afterwards, so the data stays as seeded (the steps' own atomics become savepoints)."""
    from django.db import transaction

    runs = []
    try:
        with transaction.atomic():
            for _ in range(2):
                started = time.perf_counter()
                out = fn(**kwargs)
                runs.append((time.perf_counter() - started, out))
            raise _Rollback
    except _Rollback:
        pass
    return runs


def cmd_deadlines(args) -> None:
    django_setup()
    from django.db import connection
    from django.utils import timezone

    from tramites.models import Case
    from tramites.services import cases_deadlines_apply

    today = timezone.localdate()
    print(f"{Case.objects.count():,} cases, of which open (not closed): "
          f"{Case.objects.exclude(status__in=('FINAL', 'EFFECTS_APPLIED', 'NOT_FILED', 'WITHDRAWN', 'ABANDONED')).count():,}",
          flush=True)
    for run in range(args.runs):
        for label, fn in (("now: cases_deadlines_apply", cases_deadlines_apply),
                          ("baseline: walk every case (the task before)", deadlines_walk_all)):
            with connection.cursor() as cur:
                cur.execute("SELECT 1")
            (first, done), (second, again) = _timed_in_rollback(fn, today=today)
            print(f"run {run + 1} {label}: {first:.2f} s {done}; again at once: {second:.2f} s {again}", flush=True)
    # The second run of the day: what was due is done, nothing changes (committed this time).
    if args.commit:
        started = time.perf_counter()
        first = cases_deadlines_apply(today=today)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = cases_deadlines_apply(today=today)
        print(f"committed: first run {first_s:.2f} s {first}; second run {time.perf_counter() - started:.2f} s {second}")


# ---- filing over HTTP -------------------------------------------------------------------------------------

def cmd_filing(args) -> None:
    from bench.bench_tramites_filing import run_filing

    run_filing(args)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="load cases by COPY into the (dedicated, migrated) database")
    s.add_argument("--cases", type=int, default=1_000_000)
    s.add_argument("--applicants", type=int, default=200_000)
    q = sub.add_parser("queue", help="the officers' queue page over HTTP")
    q.add_argument("--office", default="LIMA")
    q.add_argument("--requests", type=int, default=200)
    q.add_argument("--clients", type=int, default=2)
    q.add_argument("--warmup", type=int, default=3)
    q.add_argument("--explain", action="store_true")
    d = sub.add_parser("deadlines", help="the beat's deadline task, now and as it was")
    d.add_argument("--runs", type=int, default=2)
    d.add_argument("--commit", action="store_true", help="then run it for real twice (changes the data)")
    f = sub.add_parser("filing", help="filing over HTTP with concurrent clients")
    f.add_argument("--clients", default="2,4,8")
    f.add_argument("--filings", type=int, default=24, help="filings per concurrency level")
    f.add_argument("--pdf-mb", type=float, default=1.0)
    for p in (q, f):
        p.add_argument("--port", type=int, default=8813)
        p.add_argument("--broker", default="redis://127.0.0.1:6379/15")
        p.add_argument("--cache", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    {"seed": cmd_seed, "queue": cmd_queue, "deadlines": cmd_deadlines, "filing": cmd_filing}[args.command](args)


if __name__ == "__main__":
    main()
