"""Benchmark: e-gate verifications over HTTP (chip + 240p live face) under concurrent load, against
the same load without the face, on a real server (gunicorn) with PostgreSQL and the simulators.

Run: .venv/bin/python bench/bench_control_verify.py [--seconds 60] [--concurrency 3 | --rate 10 | --loads c2,c3,r10]
It creates (and drops) its own database `bench_control` on the local PostgreSQL, a test PKI, the
demo crossing points and one gate, starts the simulators (their default latencies: PNP 30 ms,
Interpol 45 ms) and gunicorn (2 workers x 4 threads), then runs each scenario for --seconds:
  cold   chip + live face, every traveller new (the chip photo is encoded during the request)
  warm   chip + live face, chip photo encoding ready (MigraCheck, or the same traveller retried)
  noface chip only (baseline: everything but the face; the gate refers for lack of a face)
"""
from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from core.testdata import TESTDATA  # noqa: E402
FACES = TESTDATA / "faces"
GATE = ("GATE-BENCH-01", "bench-gate-secret-0123456789abcdef0123456789")
DB_NAME = "bench_control"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_environment(tmp: Path, db_url: str) -> dict[str, str]:
    import migraciones  # noqa: F401  (sets OPENBLAS_CORETYPE, inherited by the server: migraciones/cpu.py)
    from integraciones.simulators import start_in_thread

    _server, sim_url = start_in_thread()  # default latencies, as the real services would add theirs
    env = dict(os.environ, MIGRACIONES_ENV="development", MIGRACIONES_VAR_DIR=str(tmp / "var"),
               DATABASE_URL=db_url, MRTD_PKI_DIR=str(tmp / "pki"), PNP_URL=f"{sim_url}/pnp",
               INTERPOL_URL=f"{sim_url}/interpol", RENIEC_URL=f"{sim_url}/reniec", LOG_LEVEL="WARNING",
               DJANGO_SETTINGS_MODULE="migraciones.settings", DB_CONN_MAX_AGE="60",
               DJANGO_DEBUG="false",  # as in production: no query log, no debug wrappers
               # One BLAS thread per request thread: the face encodings already fill both cores.
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    os.environ.update(env)
    return env


def create_database(admin_url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        cursor.execute(f"CREATE DATABASE {DB_NAME}")
    connection.close()


def drop_database(admin_url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    connection.close()


def seed() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from control.trust import portal_pki
    from cuentas.services import device_register
    from rim.demo import seed_crossing_points

    call_command("migrate", verbosity=0)
    seed_crossing_points()
    device_register(key_id=GATE[0], secret=GATE[1], crossing_point="AIJCH", actor="bench")
    portal_pki()  # creates the test CSCA and Document Signer in MRTD_PKI_DIR


def live_face_240p() -> bytes:
    """Obama's second photo cropped around the face (as a gate camera does) and scaled to 240 px high."""
    from PIL import Image

    from biometria.engine import detect_faces

    image = Image.open(FACES / "obama2.jpg").convert("RGB")
    top, right, bottom, left = detect_faces(image)[0]
    margin = (bottom - top) // 2
    crop = image.crop((max(0, left - margin), max(0, top - margin), min(image.width, right + margin),
                       min(image.height, bottom + margin)))
    crop = crop.resize((round(crop.width * 240 / crop.height), 240))
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=90)
    return out.getvalue()


def portrait_variants(count: int) -> list[bytes]:
    """The ICAO portrait of Obama, re-encoded with one pixel changed: distinct chips, same face."""
    from PIL import Image

    from biometria.engine import capture_face

    portrait = Image.open(io.BytesIO(capture_face((FACES / "obama.jpg").read_bytes()).portrait_jpeg))
    variants = []
    for i in range(count):
        copy = portrait.copy()
        copy.putpixel((i % copy.width, 0), (i % 256, 255, 255))
        out = io.BytesIO()
        copy.save(out, "JPEG", quality=88)
        variants.append(out.getvalue())
    return variants


def bodies(count: int, *, face: bytes | None, portraits: list[bytes]) -> list[bytes]:
    """Verification bodies of Peruvian travellers entering, each with a genuine personalized chip."""
    import base64
    import datetime as dt

    from control.trust import portal_pki
    from mrtd.mrz import generate_td3
    from mrtd.personalize import personalize

    pki = portal_pki()
    out = []
    for i in range(count):
        mrz = generate_td3(issuing_state="PER", primary_identifier="QUISPE", secondary_identifier="ROSA",
                           document_number=f"B{i:07d}1", nationality="PER", birth_date=dt.date(1980, 1, 2),
                           sex="F", expiry_date=dt.date.today() + dt.timedelta(days=2000))
        files = personalize(mrz_lines=mrz, face_image=portraits[i % len(portraits)], pki=pki)
        body = {"direction": "ENTRY", "mrz": mrz, "boarding": {"flight": "LA2047", "origin": "Miami"},
                "chip": {k: base64.b64encode(files[f]).decode() for k, f in (("dg1", "DG1"), ("dg2", "DG2"),
                                                                             ("sod", "EF_SOD"))}}
        if face is not None:
            body["live_face"] = base64.b64encode(face).decode()
        out.append(json.dumps(body).encode())
    return out


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[int] = field(default_factory=list)
    decisions: Counter = field(default_factory=Counter)
    refer_reasons: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    check_ms: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    keep_alive = False

    def send(self, url: str, body: bytes, session, *, started: float) -> None:
        """Send one signed verification and count its answer; latency from `started` (time.monotonic)."""
        from egates.client import VERIFICATIONS_PATH, GateCredentials, post_signed

        if not self.keep_alive:
            session.headers["Connection"] = "close"
        try:
            response = post_signed(url, VERIFICATIONS_PATH, body, GateCredentials(*GATE), session=session,
                                   idempotency_key=str(uuid.uuid4()), timeout=30)
            elapsed = (time.monotonic() - started) * 1000
            answer = response.json()
        except Exception as exc:  # a failed request is what the benchmark counts
            with self.lock:
                self.errors[type(exc).__name__] += 1
            return
        with self.lock:
            if response.status_code != 200:
                self.errors[f"HTTP {response.status_code}"] += 1
                return
            self.latencies_ms.append(elapsed)
            self.server_ms.append(answer["elapsed_ms"])
            self.decisions[answer["decision"]] += 1
            for reason in answer["reasons"]:
                self.refer_reasons[reason[:120]] += 1
            for check in answer["checks"]:
                self.check_ms.setdefault(check["name"], []).append(check["ms"])


class Picker:
    """The scenario's payloads in turn, continuing from one load to the next (so a "cold" run never
    sends a chip the server has seen in an earlier run: BENCH_COLD_CHIPS distinct chips, 3,000)."""

    def __init__(self, payloads: list[bytes]) -> None:
        self.payloads, self.index, self.lock = payloads, 0, threading.Lock()

    def __call__(self) -> bytes:
        with self.lock:
            self.index += 1
            return self.payloads[(self.index - 1) % len(self.payloads)]


def run_load(url: str, pick: Picker, *, seconds: float, concurrency: int) -> tuple[Results, float]:
    import requests

    results = Results()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        session = requests.Session()
        while time.monotonic() < deadline:
            results.send(url, pick(), session, started=time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - started


def run_open_loop(url: str, pick: Picker, *, seconds: float, rate: float) -> tuple[Results, float]:
    """Arrivals at `rate` a second (Poisson, fixed seed) whatever the answers' speed, as gates send them;
    each latency counts from the planned send time, so a slow server cannot hide its queue."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    import requests

    results = Results()
    rng = random.Random(6)
    planned, t = [], 0.0
    while t < seconds:
        planned.append(t)
        t += rng.expovariate(rate)
    local = threading.local()

    def send(index: int, at: float) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        results.send(url, pick(), session, started=at)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=48) as pool:
        for index, offset in enumerate(planned):
            pool.submit(send, index, started + offset)
    return results, time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] if ordered else float("nan")


def cpu_seconds(server: subprocess.Popen) -> dict[str, float]:
    """CPU seconds used so far by the web workers, the face processes and this process (client and
    simulators), so each scenario can say where the machine's two cores went."""
    import psutil

    used = {"web": 0.0, "faces": 0.0, "postgres": 0.0, "bench": 0.0}
    master = psutil.Process(server.pid)
    for proc in master.children(recursive=True):
        try:
            times = proc.cpu_times()
            kind = "faces" if "forkserver" in " ".join(proc.cmdline()) else "web"
            used[kind] += times.user + times.system
        except psutil.Error:
            continue
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] and proc.info["name"].startswith("postgres"):
            try:
                times = proc.cpu_times()
                used["postgres"] += times.user + times.system
            except psutil.Error:
                continue
    me = psutil.Process().cpu_times()
    used["bench"] = me.user + me.system
    return used


def report(name: str, results: Results, wall_s: float, cpu: dict[str, float] | None = None) -> dict:
    lat = results.latencies_ms
    summary = {
        "scenario": name, "requests": len(lat), "per_second": round(len(lat) / wall_s, 1),
        "p50_ms": round(pct(lat, 0.5)), "p95_ms": round(pct(lat, 0.95)), "p99_ms": round(pct(lat, 0.99)),
        "server_p50_ms": round(pct(results.server_ms, 0.5)), "errors": dict(results.errors),
        "decisions": dict(results.decisions), "refer_reasons": dict(results.refer_reasons),
        "check_mean_ms": {k: round(statistics.mean(v), 1) for k, v in sorted(results.check_ms.items())},
    }
    if cpu and lat:
        summary["cpu_ms_per_verification"] = {k: round(1000 * v / len(lat), 1) for k, v in cpu.items()}
    print(json.dumps(summary, ensure_ascii=False))
    return summary


def start_server(env: dict[str, str], port: int, tmp: Path, *, workers: int = 2, threads: int = 4) -> subprocess.Popen:
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "bench_control_gunicorn.log", "w")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "migraciones.wsgi", "-w", str(workers), "--threads", str(threads), "-b",
         f"127.0.0.1:{port}", "--timeout", "60"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    import requests

    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code < 500:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start; see var/bench_control_gunicorn.log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=3, help="closed loop: this many clients")
    parser.add_argument("--scenarios", default="cold,warm,noface")
    parser.add_argument("--rate", type=float, default=0,
                        help="open loop: this many arrivals a second instead of --concurrency clients")
    parser.add_argument("--loads", default="",
                        help="several loads in one run, e.g. c2,c3,r10 (cN: N clients; rX: X arrivals/s)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--face-processes", type=int, default=None,
                        help="CONTROL_FACE_PROCESSES for the server (default: the setting's default)")
    parser.add_argument("--keep-alive", action="store_true",
                        help="each client keeps its connection (pinned to one gunicorn worker); by default "
                             "every request opens its own, spread over the workers as a load balancer would")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    args = parser.parse_args()
    admin_url = f"{args.pg}/postgres"
    create_database(admin_url)
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        env = setup_environment(tmp, f"{args.pg}/{DB_NAME}")
        server = None
        try:
            seed()
            face = live_face_240p()
            cold = int(os.environ.get("BENCH_COLD_CHIPS", 3000))
            portraits = portrait_variants(cold)
            payloads = {
                "cold": bodies(cold, face=face, portraits=portraits),
                "warm": bodies(50, face=face, portraits=portraits[:1]),
                "noface": bodies(200, face=None, portraits=portraits[:1]),
            }
            port = free_port()
            if args.face_processes is not None:
                env["CONTROL_FACE_PROCESSES"] = str(args.face_processes)
            server = start_server(env, port, tmp, workers=args.workers, threads=args.threads)
            url = f"http://127.0.0.1:{port}"
            run_load(url, Picker(payloads["warm"][:8]), seconds=3, concurrency=2)  # load the face models in both workers
            summaries = []
            loads = args.loads.split(",") if args.loads else [f"r{args.rate:g}" if args.rate else f"c{args.concurrency}"]
            pickers = {name: Picker(payloads[name]) for name in payloads}
            Results.keep_alive = args.keep_alive
            for load in loads:
                for name in args.scenarios.split(","):
                    before = cpu_seconds(server)
                    if load.startswith("r"):
                        results, wall = run_open_loop(url, pickers[name], seconds=args.seconds, rate=float(load[1:]))
                    else:
                        results, wall = run_load(url, pickers[name], seconds=args.seconds, concurrency=int(load[1:]))
                    after = cpu_seconds(server)
                    summaries.append(report(f"{name} {load}", results, wall, {k: after[k] - before[k] for k in after}))
            print(json.dumps({"face_240p_bytes": len(face), "seconds": args.seconds,
                              "gunicorn": f"{args.workers} workers x {args.threads} threads",
                              "face_processes": env.get("CONTROL_FACE_PROCESSES", "default"),
                              "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}, ensure_ascii=False))
        finally:
            if server is not None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            from django.db import connections

            connections.close_all()
            drop_database(admin_url)


if __name__ == "__main__":
    main()
