"""Benchmarks of the documents rail: sign-and-store a one-page PDF, and /verificar/<code> over HTTP.

Run (PostgreSQL required; a throw-away test_<name> database is created and dropped):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/doc_bench REDIS_URL=redis://127.0.0.1:6379/4 \
      .venv/bin/python bench/bench_documentos.py --documents 100 --stored 1000,100000 --requests 1000
1. Sign and store, one process (one worker's view): each document is rendered by weasyprint, then
   `document_issue` signs it (PAdES B-B), stores it, inserts the row and the audit entry.
   Baseline in the same run: rendering the same PDF unsigned.
2. /verificar/<code> over HTTP (gunicorn, PostgreSQL) with N stored documents: rows bulk-inserted
   with fake hashes (the page reads the row, never the file). Baseline: the same page with 1,000.
"""
import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pasaporte_http import p95, setup_database, start_server  # noqa: E402

HTML = ("<h1>Constancia de trámite</h1><p>Expediente LM-2026-{n:06d}</p>"
        "<p>Prórroga de residencia · presentado el 2 de diciembre de 2026</p>")


def figures(times: list[float], wall: float | None = None) -> dict:
    out = {"n": len(times), "p50_ms": round(statistics.median(times) * 1000, 1), "p95_ms": round(p95(times) * 1000, 1)}
    if wall:
        out["per_s"] = round(len(times) / wall, 1)
    return out


def bench_sign_and_store(count: int) -> dict:
    from weasyprint import HTML as Render

    from documentos.services import document_issue

    def render(n: int) -> bytes:
        return Render(string=HTML.format(n=n)).write_pdf()

    for n in range(3):  # warm-up: fonts, the signer's key, the first INSERT
        document_issue(kind="CONSTANCIA", pdf=render(n), facts={"number": f"W{n}"}, record_kind="bench",
                       record_id=n, actor="system:bench")
    baseline = []
    for n in range(count):
        started = time.perf_counter()
        render(n)
        baseline.append(time.perf_counter() - started)
    signed = []
    for n in range(count):
        started = time.perf_counter()
        document_issue(kind="CONSTANCIA", pdf=render(n), facts={"number": f"LM-2026-{n:06d}"},
                       record_kind="bench", record_id=n, actor="system:bench")
        signed.append(time.perf_counter() - started)
    per_minute = lambda times: round(60 / statistics.mean(times), 1)  # noqa: E731
    return {"render_unsigned (baseline)": {**figures(baseline), "docs_per_min": per_minute(baseline)},
            "render+sign+store": {**figures(signed), "docs_per_min": per_minute(signed)},
            "sign+store alone (difference of means)": round((statistics.mean(signed) - statistics.mean(baseline)) * 1000, 1)}


def fill_to(total: int) -> list[str]:
    """Bulk-insert rows (fake hashes, no file) until `total` documents are stored; return every code."""
    from django.utils import timezone

    from documentos.codes import code_new
    from documentos.models import Document

    codes = set(Document.objects.values_list("code", flat=True))
    now = timezone.now()
    batch = []
    while len(codes) < total:
        code = code_new()
        if code in codes:
            continue
        codes.add(code)
        batch.append(Document(kind="CONSTANCIA", code=code, sha256=f"{random.getrandbits(256):064x}",
                              file=f"documentos/bench/{code}.pdf", size=12000,
                              facts={"holder": "Q*** M***, R***", "number": f"LM-2026-{len(codes):06d}",
                                     "procedure": "Prórroga de residencia", "issued_on": "2026-12-02"},
                              record_kind="bench", record_id=str(len(codes)), issued_at=now, issued_by="bench"))
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch = []
    if batch:
        Document.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documentos_document")
    return sorted(codes)


def bench_verify(base: str, codes: list[str], requests_count: int, clients: int) -> dict:
    rng = random.Random(len(codes))
    picks = [rng.choice(codes) for _ in range(requests_count)]
    sessions = [requests.Session() for _ in range(clients)]

    def get(pair):
        n, code = pair
        started = time.perf_counter()
        reply = sessions[n % clients].get(f"{base}/verificar/{code}", timeout=30)
        elapsed = time.perf_counter() - started
        if reply.status_code != 200 or 'data-result="VALID"' not in reply.text:
            raise RuntimeError(f"/verificar/ answered {reply.status_code}")
        return elapsed

    with ThreadPoolExecutor(max_workers=clients) as pool:  # warm-up: each gunicorn thread's first pages
        list(pool.map(get, enumerate(picks[:40])))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        times = list(pool.map(get, enumerate(picks)))
    return figures(times, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100, help="documents signed and stored")
    parser.add_argument("--stored", default="1000,100000", help="stored documents per level (first is the baseline)")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="bench-documentos-"))
    os.environ["MRTD_PKI_DIR"] = str(work / "pki")
    os.environ["MIGRACIONES_VAR_DIR"] = str(work / "var")
    # The benchmark is one client address: the throttle would stop it, which is what it is for.
    os.environ["THROTTLE_DOCUMENTOS_VERIFY_IP"] = "100000000/min"
    db_name = setup_database()
    from django.conf import settings
    from django.db import connection

    settings.MEDIA_ROOT = work / "media"
    server = None
    try:
        print({"sign_and_store": bench_sign_and_store(args.documents)}, flush=True)
        server = start_server(db_name, args.port, "", args.workers, args.threads)
        print(f"gunicorn {args.workers} workers x {args.threads} threads, {args.clients} clients, PostgreSQL {db_name}")
        for total in (int(x) for x in args.stored.split(",")):
            codes = fill_to(total)
            print({"stored": len(codes), "verificar_by_code": bench_verify(
                f"http://127.0.0.1:{args.port}", codes, args.requests, args.clients)}, flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
