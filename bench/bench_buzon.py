"""Benchmarks of the buzón: depositing a notice, and the beat's sweep that marks unopened notices as notified.

Run (PostgreSQL required; a throw-away test_<name> database is created and dropped):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/buzon_bench .venv/bin/python bench/bench_buzon.py \
      --deposits 300 --stored 100000 --due 1000
1. Deposit, one process: `notice_deposit` (row, audit entry, outbox row) and its alert e-mail
   (rendered text and HTML, sent to Django's in-memory mail backend after commit). Baseline in the
   same run: what pasaporte did before the buzón, one plain `send_mail` of the same text.
2. The deem sweep over `--stored` deposited notices of which `--due` have ended their reading term:
   `notices_deem_due` (only rows up to the cutoff day are read) against the first implementation,
   which computed every deposited notice's date (baseline, kept here to compare).
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pasaporte_http import p95, setup_database  # noqa: E402


def figures(times: list[float]) -> dict:
    return {"n": len(times), "p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(p95(times) * 1000, 2), "per_s": round(len(times) / sum(times), 1)}


def people(count: int):
    from django.contrib.auth import get_user_model

    from buzon.services import casilla_accept

    users = []
    for n in range(count):
        user = get_user_model().objects.create(username=f"bz{n:06d}", dni=f"8{n:07d}", email=f"p{n}@example.pe",
                                               first_name="CAMILA", last_name="ROJAS")
        casilla_accept(user=user, email=user.email, phone="987654321", accepted_terms=True, actor=user)
        users.append(user)
    return users


def bench_deposit(count: int) -> dict:
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction

    from buzon.services import notice_deposit

    users = people(20)
    body = "Su solicitud de prórroga de residencia N.º {n} fue aprobada. Descargue la resolución."
    baseline, deposit = [], []
    for n in range(count):
        started = time.perf_counter()
        send_mail("MIGRACIONES · Su trámite", body.format(n=n), settings.DEFAULT_FROM_EMAIL, [users[n % 20].email])
        baseline.append(time.perf_counter() - started)
    for n in range(count):
        started = time.perf_counter()
        with transaction.atomic():  # the caller's transaction; the alert goes out when it commits
            notice_deposit(recipient=users[n % 20], title="Resolución de su trámite", body=body.format(n=n),
                           record_kind="bench", record_id=n, actor="system:bench")
        deposit.append(time.perf_counter() - started)
    return {"send_mail (baseline, before the buzón)": figures(baseline),
            "notice_deposit + alert e-mail": figures(deposit)}


def fill(stored: int, due: int, today: dt.date) -> None:
    """Bulk-insert deposited notices: `due` deposited 20 days before `today`, the rest within the term."""
    from django.utils import timezone

    from buzon.models import Casilla, Notice

    casilla = Casilla.objects.select_related("user").first()
    old = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=20), dt.time(10)))
    fresh = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), dt.time(10)))
    batch = []
    for n in range(stored):
        batch.append(Notice(recipient=casilla.user, casilla=casilla, status=Notice.Status.DEPOSITED,
                            title="Aviso", body="Texto", record_kind="bench", record_id=str(n),
                            deposited_at=old if n < due else fresh, alert_sent_at=fresh))
        if len(batch) == 5000:
            Notice.objects.bulk_create(batch)
            batch = []
    Notice.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE buzon_notice")


def scan_all_baseline(today: dt.date) -> int:
    """The first sweep: every DEPOSITED row read and its date computed, to find the due ones."""
    from django.utils import timezone

    from buzon import selectors
    from buzon.models import Notice

    due = 0
    for _pk, deposited_at in Notice.objects.filter(status=Notice.Status.DEPOSITED).values_list(
            "pk", "deposited_at").iterator():
        due += selectors.deemed_on_for(timezone.localtime(deposited_at).date()) <= today
    return due


def bench_sweep(stored: int, due: int) -> dict:
    from buzon.models import Notice
    from buzon.services import notices_deem_due

    today = dt.date(2026, 12, 1)
    Notice.objects.all().delete()
    fill(stored, due, today)
    started = time.perf_counter()
    found = scan_all_baseline(today)
    scan = time.perf_counter() - started
    started = time.perf_counter()
    moved = notices_deem_due(today=today)
    sweep = time.perf_counter() - started
    if found != due or moved != due:
        raise RuntimeError(f"expected {due} due notices, the scan found {found} and the sweep moved {moved}")
    return {"stored": stored, "due": due,
            "scan every deposited notice, finding the due ones only (baseline)": f"{scan:.2f} s",
            "notices_deem_due: cutoff query + each due notice moved and audited": f"{sweep:.2f} s",
            "per due notice": f"{sweep / due * 1000:.1f} ms"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deposits", type=int, default=300)
    parser.add_argument("--stored", type=int, default=100000)
    parser.add_argument("--due", type=int, default=1000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-buzon-"))
    os.environ["MIGRACIONES_VAR_DIR"] = str(work / "var")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")
    db_name = setup_database()
    from django.db import connection

    from migraciones.celery import app

    app.conf.task_always_eager = True  # the alert runs in this process when the deposit commits
    try:
        for name, result in (("deposit", bench_deposit(args.deposits)),
                             ("deem sweep", bench_sweep(args.stored, args.due))):
            print(f"== {name}")
            for key, value in result.items():
                print(f"  {key}: {value}")
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
