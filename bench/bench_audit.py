"""Benchmark: audit append p95 (HMAC chain) and `audit_verify` over a large chain, on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/audit_bench .venv/bin/python bench/bench_audit.py [--entries 1000000]
(the database is created if missing, migrated, and the chain filled up to --entries by COPY).
Baseline in the same run: a plain ORM insert of the same row without the chain (no lock, no
previous-hash look-up), and a bare sequential scan of the table for the verification.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")


def ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def fill_chain(target: int) -> None:
    """Append entries by COPY, computing each hash as audit_record would, up to `target`."""
    from django.db import connection
    from django.utils import timezone

    from auditoria.chain import GENESIS_HASH, canonical
    from auditoria.keys import current_key
    from auditoria.models import AuditEntry
    from rim.audit_actions import AuditAction

    have = AuditEntry.objects.count()
    prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    batch = 50_000
    key = current_key()
    start = time.perf_counter()
    while have < target:
        n = min(batch, target - have)
        buf = io.StringIO()
        now = timezone.now()
        for i in range(n):
            fields = dict(created_at=now, actor_id=None, actor_repr="bench", kind="read", action=AuditAction.PERSON_GET,
                          object_type="rim.person", object_id=str(have + i), person_id=(have + i) % 100_000,
                          purpose="control migratorio", details={"n": have + i})
            h = key.link(canonical(**fields), prev)
            buf.write("\t".join([now.isoformat(), "\\N", "bench", "read", AuditAction.PERSON_GET, "rim.person",
                                 str(have + i), str((have + i) % 100_000), "control migratorio",
                                 json.dumps(fields["details"], separators=(",", ":")), prev, h, key.key_id]) + "\n")
            prev = h
        buf.seek(0)
        with connection.cursor() as cur:
            cur.copy_from(buf, "auditoria_auditentry", columns=(
                "created_at", "actor_id", "actor_repr", "kind", "action", "object_type", "object_id",
                "person_id", "purpose", "details", "prev_hash", "hash", "key_id"))
        have += n
        print(f"  filled {have:,} entries ({time.perf_counter() - start:.0f} s)", flush=True)


def pct(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=1000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from auditoria.models import AuditEntry
    from auditoria.selectors import audit_chain_verify
    from auditoria.services import audit_record
    from rim.audit_actions import AuditAction

    call_command("migrate", verbosity=0)
    fill_chain(args.entries)

    chained, plain = [], []
    for i in range(args.appends):
        t = time.perf_counter()
        audit_record(actor="bench", action=AuditAction.PERSON_GET, kind="read", object_type="rim.person",
                     object_id=i, person_id=i, purpose="control migratorio")
        chained.append((time.perf_counter() - t) * 1000)
    # Baseline: the same row inserted plainly (unique dummy hash, no lock, no look-up), then removed.
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_plain (LIKE auditoria_auditentry INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)")
    for i in range(args.appends):
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_plain (created_at, actor_repr, kind, action, object_type, object_id, person_id,"
                " purpose, details, prev_hash, hash, key_id) VALUES (%s,'bench','read','rim.person_get','rim.person',%s,%s,"
                "'control migratorio','{}',%s,%s,'')", [timezone.now(), str(i), i, "0" * 64, f"{i:064d}"])
        plain.append((time.perf_counter() - t) * 1000)

    total = AuditEntry.objects.count()
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), max(length(hash)) FROM auditoria_auditentry")
        cur.fetchone()
    scan_s = time.perf_counter() - t
    t = time.perf_counter()
    result = audit_chain_verify()
    verify_s = time.perf_counter() - t

    c50, c95 = pct(chained)
    p50, p95 = pct(plain)
    print(f"audit_record (chained) over {total:,} entries: p50 {c50:.2f} ms, p95 {c95:.2f} ms")
    print(f"baseline plain INSERT:                 p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print(f"audit_verify over {result.checked:,} entries: {verify_s:.1f} s (ok={result.ok}); baseline count(*) scan {scan_s:.2f} s")


if __name__ == "__main__":
    main()
