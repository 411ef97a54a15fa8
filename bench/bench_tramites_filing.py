"""Filing a prórroga de residencia over HTTP (bench_tramites.py filing): a real server (gunicorn, PostgreSQL
in a throw-away test_<name> database) and a pool of `requests` sessions, one signed-in foreigner each, who
goes through every page of the draft as a browser would: the catalogue, start, the task list, the
questions (GET and POST), the two documents (a 1 MB scanned PDF and a small one), payment by a receipt
recorded at the bank simulator (verified by the server over HTTP), check and submit, the confirmation.
Baseline: the same foreigners open their summary page /mi-cuenta/ (session, a few reads, a template)."""
from __future__ import annotations

import datetime as dt
import io
import random
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.bench_tramites import CSRF_RE, SUBMIT_KEY_RE, django_setup, pct, session_for, start_server, stop_server

CODE = "PRORROGA_RESIDENCIA"
FEE = {"amount": "20.20", "fee_code": "07566"}
SYSTEM = "system:bench"
PLAIN = "/mi-cuenta/"


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def scanned_pdf(megabytes: float, seed: int = 1) -> bytes:
    """A one-page PDF as a phone scanner app writes it: a JPEG of the page, `megabytes` large."""
    from PIL import Image

    rng = random.Random(seed)
    side = 600
    while True:
        noise = Image.frombytes("L", (side, int(side * 1.41)), rng.randbytes(side * int(side * 1.41)))
        page = Image.merge("RGB", (noise, noise, noise))
        out = io.BytesIO()
        page.save(out, "PDF", resolution=150.0, quality=85)
        if out.tell() >= megabytes * 1_000_000 * 0.95:
            return out.getvalue()
        side = int(side * 1.15)


def _foreigners(count: int, level: int) -> list:
    """Resident workers whose residence ends in 60 days, each with a linked foreigner account."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cuentas.models import Office
    from cuentas.services import user_role_add
    from rim import services as rim_services
    from rim.tests.factories import CrossingPointFactory, IdentityDocumentFactory, PersonFactory

    Office.objects.get_or_create(code="LIMA", defaults={"name": "Sede Lima", "address": "Av. España 734",
                                                        "city": "Lima"})
    today = timezone.localdate()
    point = CrossingPointFactory()
    out = []
    for n in range(count):
        person = PersonFactory(nationality="COL", birth_date=dt.date(1990, 3, 14), sex="F")
        number = f"{level:02d}{n:07d}"
        IdentityDocumentFactory(person=person, kind="CARNE_EXTRANJERIA", number=number, issuing_state="PER")
        rim_services.residence_status_set(actor=SYSTEM, person=person, calidad="TRABAJADOR_RESIDENTE",
                                          valid_from=today - dt.timedelta(days=305),
                                          valid_until=today + dt.timedelta(days=60), reference=f"RES-{number}")
        rim_services.movement_record(actor=SYSTEM, person=person, direction="ENTRY", crossing_point=point,
                                     channel="COUNTER", occurred_at=timezone.now() - dt.timedelta(days=400))
        user = get_user_model().objects.create_user(
            username=f"bench{level}-{n}@example.pe", email=f"bench{level}-{n}@example.pe", password="Persona-2026!",
            email_verified=True, phone="987654321")
        user_role_add(user=user, role="foreigner")
        person.user = user
        person.save(update_fields=["user"])
        out.append((user, number))
    return out


class Filing:
    """One foreigner's browser through the whole draft; each request's time kept by step."""

    def __init__(self, base: str, session: requests.Session, number: str, receipt: str, pdfs: dict[str, bytes]):
        self.base, self.session, self.number, self.receipt, self.pdfs = base, session, number, receipt, pdfs
        self.times: list[tuple[str, float]] = []

    def _go(self, step: str, method: str, path: str, *, expect: int = 200, **kwargs) -> requests.Response:
        started = time.perf_counter()
        reply = self.session.request(method, self.base + path, allow_redirects=False, timeout=60, **kwargs)
        self.times.append((step, time.perf_counter() - started))
        if reply.status_code != expect:
            raise RuntimeError(f"{step} {path} answered {reply.status_code} (expected {expect}): {reply.text[:400]}")
        return reply

    @staticmethod
    def _csrf(reply: requests.Response) -> str:
        return CSRF_RE.findall(reply.text)[-1]

    def run(self) -> float:
        started = time.perf_counter()
        # The procedure's own page (/tramites/<code>/) answers 500 on this tree (views.procedure calls
        # services.procedure_active, which tramites.services does not export): start from the catalogue.
        page = self._go("catalogue", "GET", "/tramites/")
        start = self._go("start (draft)", "POST", f"/tramites/{CODE}/empezar/", expect=302,
                         data={"csrfmiddlewaretoken": self._csrf(page)})
        case_path = start.headers["Location"]
        self._go("task list", "GET", case_path)
        form = self._go("questions GET", "GET", case_path + "preguntas/")
        self._go("questions POST", "POST", case_path + "preguntas/", expect=302, data={
            "csrfmiddlewaretoken": self._csrf(form), "motivo": "Sigo con mi contrato de trabajo"})
        for key, data in self.pdfs.items():
            form = self._go("upload GET", "GET", case_path + f"documentos/{key}/")
            self._go(f"upload POST {len(data) // 1000} kB", "POST", case_path + f"documentos/{key}/", expect=302,
                     data={"csrfmiddlewaretoken": self._csrf(form)},
                     files={"archivo": (f"{key}.pdf", data, "application/pdf")})
        form = self._go("payment GET", "GET", case_path + "pago/")
        self._go("payment POST (bank check)", "POST", case_path + "pago/", expect=302, data={
            "csrfmiddlewaretoken": self._csrf(form), "receipt_number": self.receipt,
            "payment_date": _today().isoformat()})
        form = self._go("submit GET", "GET", case_path + "presentar/")
        filed = self._go("submit POST", "POST", case_path + "presentar/", expect=302, data={
            "csrfmiddlewaretoken": self._csrf(form), "submit_key": SUBMIT_KEY_RE.search(form.text).group(1)})
        self._go("confirmation", "GET", filed.headers["Location"])
        return time.perf_counter() - started


def _receipt(sim_url: str, payer: str) -> str:
    reply = requests.post(f"{sim_url}/banco-nacion/__receipts__", timeout=10, json={
        "payment_date": _today().isoformat(), "payer_dni": payer, **FEE})
    reply.raise_for_status()
    return reply.json()["receipt_number"]


def run_level(base: str, sim_url: str, level: int, filings: int, pdfs: dict[str, bytes]) -> dict:
    from tramites.models import Case

    people = _foreigners(filings, level)
    clients = [Filing(base, session_for(user), number, _receipt(sim_url, number), pdfs) for user, number in people]
    # Baseline: each foreigner opens their summary page (the first ones also warm every server thread).
    with ThreadPoolExecutor(max_workers=level) as pool:
        list(pool.map(lambda c: c.session.get(base + PLAIN, timeout=60), clients[:8]))
        started = time.perf_counter()
        plain = list(pool.map(lambda c: _timed_get(c.session, base + PLAIN), clients))
        plain_wall = time.perf_counter() - started
        started = time.perf_counter()
        totals = list(pool.map(lambda c: c.run(), clients))
        wall = time.perf_counter() - started
    by_step: dict[str, list[float]] = defaultdict(list)
    every = []
    for client in clients:
        for step, seconds in client.times:
            by_step[step].append(seconds)
            every.append(seconds)
    users = [user.pk for user, _n in people]
    filed = Case.objects.filter(applicant_id__in=users).exclude(status=Case.Status.DRAFT).count()
    return {
        "clients": level, "filings": filings, "filed_in_db": filed,
        "baseline_summary_page": {**pct(plain), "req_per_s": round(len(plain) / plain_wall, 1)},
        "filing": {**pct(totals), "filings_per_s": round(filings / wall, 2), "requests": len(every),
                   "req_per_s": round(len(every) / wall, 1)},
        "every_request": pct(every),
        "steps": {step: pct(times) for step, times in by_step.items()},
    }


def _timed_get(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    reply = session.get(url, timeout=60)
    elapsed = time.perf_counter() - started
    reply.raise_for_status()
    return elapsed


def run_filing(args) -> None:
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from integraciones.simulators import start_in_thread

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    sim, sim_url = start_in_thread(notify_secret="demo-bn-notify-secret")
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db_name}"
    var = tempfile.mkdtemp(prefix="bench-tramites-")
    server = None
    pdfs = {"pasaporte": scanned_pdf(0.1, seed=2), "sustento": scanned_pdf(args.pdf_mb, seed=3)}
    print(f"PDFs: {', '.join(f'{k} {len(v):,} B' for k, v in pdfs.items())}", flush=True)
    try:
        server = start_server(url, args.port, broker=args.broker, cache=args.cache, extra_env={
            "BANCO_NACION_URL": f"{sim_url}/banco-nacion", "RENIEC_URL": f"{sim_url}/reniec",
            "PNP_URL": f"{sim_url}/pnp", "INTERPOL_URL": f"{sim_url}/interpol", "MIGRACIONES_VAR_DIR": var})
        print(f"gunicorn 2 workers x 4 threads, PostgreSQL {db_name}, simulators {sim_url}", flush=True)
        for level in (int(x) for x in args.clients.split(",")):
            print(run_level(f"http://127.0.0.1:{args.port}", sim_url, level, args.filings, pdfs), flush=True)
    finally:
        stop_server(server)
        sim.shutdown()
        sim.server_close()
        import redis

        for redis_url in (args.broker, args.cache):
            redis.Redis.from_url(redis_url).flushdb()  # only this benchmark's database numbers
        connection.creation.destroy_test_db(db_name, verbosity=0)
        import shutil

        shutil.rmtree(var, ignore_errors=True)
