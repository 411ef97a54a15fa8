"""Shared fixtures: eager tasks by default, a real Celery worker and the simulators on demand."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from core.testdata import TESTDATA

ROOT = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing service skips the test; in CI it is a failure."""
    if IN_CI:
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)




@pytest.fixture(scope="session")
def testdata_dir() -> Path:
    """The shared test data (faces, fingerprints, chip files): see core/testdata.py."""
    if not TESTDATA.is_dir():
        skip_or_fail(f"shared test data not found at {TESTDATA} (../shared beside the clone, "
                     "/work/shared, or MIGRACIONES_TESTDATA)")
    return TESTDATA


@pytest.fixture(autouse=True)
def _spanish_unless_a_test_switches():
    """Every test starts in Spanish: a page rendered in English leaves its language active in the thread."""
    from django.utils import translation

    translation.activate("es")
    yield
    translation.activate("es")


@pytest.fixture(autouse=True)
def _eager_tasks_unless_worker(request, settings):
    """Tests run tasks eagerly in-process, except those marked `worker`, which use the real one."""
    from migraciones.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_truncate_trigger():
    """Transactional tests empty the tables with TRUNCATE, which the audit table's trigger refuses
    (auditoria migration 0005). The test database's owner may lift it for the flush, as here."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if statements and "auditoria_auditentry" in tables:
            trigger = "ALTER TABLE auditoria_auditentry {} TRIGGER auditoria_no_truncate;"
            statements = [trigger.format("DISABLE"), *statements, trigger.format("ENABLE")]
        return statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty throttle counters (cuentas.throttling keeps them in the cache)."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # a test that takes the cache down sets its own CACHES
        pass
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Each test its own 1:N gallery: a shared one would keep enrollment ids of earlier test databases.
    settings.BIOMETRIA_GALLERY_DIR = str(tmp_path / "gallery")
    # Each test its own audit checkpoints: one signed in another test database would not match.
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")
    # Personalized chips handed to the card printer (with their private keys): per test too.
    settings.PASAPORTE_CHIP_OUTPUT_DIR = tmp_path / "chip-output"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, simulators_base_url, tmp_path_factory):
    """A real `celery worker` subprocess on the Redis broker, using the test database."""
    from django.conf import settings
    from django.db import connection

    broker = settings.CELERY_BROKER_URL
    if not broker:
        skip_or_fail("CELERY_BROKER_URL is not set: no Celery worker")
    if connection.vendor != "postgresql":
        skip_or_fail("the worker tests need PostgreSQL (the SQLite test database is in memory)")
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env["DB_CONN_MAX_AGE"] = "0"
    # The worker reaches the same simulators and signs with the same PKI as the test process.
    from integraciones.simulators import PREFIXES

    for setting, service in (("RENIEC_URL", "reniec"), ("BANCO_NACION_URL", "banco_nacion"),
                             ("PNP_URL", "pnp"), ("INTERPOL_URL", "interpol")):
        env[setting] = f"{simulators_base_url}{PREFIXES[service]}"
    env["INTEGRATIONS_TIMEOUT"] = "1.0"
    env["INTEGRATIONS_RETRIES"] = "1"
    env["PASAPORTE_VALIDATION_BACKOFF_S"] = "1"
    env["MRTD_PKI_DIR"] = str(settings.MRTD_PKI_DIR)
    env["MIGRACIONES_VAR_DIR"] = str(tmp_path_factory.mktemp("worker-var"))
    log = open(ROOT / "var" / "celery-test-worker.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "migraciones", "worker", "-l", "info", "--pool=prefork",
         "--concurrency=2", "-Q", "default,validation,personalization,biometrics,notifications",
         "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    from migraciones.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with {proc.returncode}; see var/celery-test-worker.log")
        replies = app.control.ping(timeout=1.0) or []
        if any(f"test-{os.getpid()}@" in name for reply in replies for name in reply):
            break
    else:
        proc.kill()
        pytest.fail("the Celery worker did not answer within 60 s")
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def simulators_base_url():
    """The external systems' simulators, over real HTTP on a free loopback port."""
    from integraciones.simulators import start_in_thread

    server, url = start_in_thread(latency_ms=2, notify_secret="demo-bn-notify-secret")
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def external_systems(simulators_base_url, settings):
    """Point every client at the simulators, with faults cleared and breakers closed."""
    import requests

    from integraciones.http import reset_breakers
    from integraciones.simulators import PREFIXES

    def clear():
        for prefix in PREFIXES.values():
            requests.delete(f"{simulators_base_url}{prefix}/__faults__", timeout=5)
        reset_breakers()

    settings.RENIEC_URL = f"{simulators_base_url}{PREFIXES['reniec']}"
    settings.BANCO_NACION_URL = f"{simulators_base_url}{PREFIXES['banco_nacion']}"
    settings.PNP_URL = f"{simulators_base_url}{PREFIXES['pnp']}"
    settings.INTERPOL_URL = f"{simulators_base_url}{PREFIXES['interpol']}"
    settings.INTEGRATIONS_TIMEOUT = 1.0
    settings.INTEGRATIONS_RETRIES = 1
    clear()

    class External:
        base_url = simulators_base_url

        @staticmethod
        def fault(service: str, **fault):
            requests.post(f"{simulators_base_url}{PREFIXES[service]}/__faults__", json=fault, timeout=5).raise_for_status()

        clear_faults = staticmethod(clear)

    yield External
    clear()


@pytest.fixture
def broker_outage():
    """The web side's broker made unreachable (a closed port) until `restore()` or the test's end.

    Only this process's publishing is cut (the write URL): a worker started by `celery_worker_process`
    keeps its own connection, as it would when the web servers lose their route to Redis.
    """
    from migraciones.celery import app

    def _switch(url):
        app.conf.broker_write_url = url
        # Only the references are dropped: kombu keeps one pool per URL, and closing the real one
        # would leave it closed for the rest of the session.
        app._pool = None
        app.amqp._producer_pool = None

    class Outage:
        @staticmethod
        def restore():
            _switch(None)

    _switch("redis://127.0.0.1:9/0")  # port 9 (discard): nothing listens, connections are refused
    yield Outage
    _switch(None)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium driven by Playwright (browser tests)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
        # Inside Playwright's loop the ORM keeps its own connection, which the test database's
        # teardown would not see (it then cannot drop the database): close it here.
        from django.db import connections

        connections.close_all()


@pytest.fixture(scope="session")
def document_signer_pki(tmp_path_factory):
    """A test PKI of its own (CSCA and document signer), made once per session, for signed documents."""
    from mrtd.pki import init_test_pki

    directory = tmp_path_factory.mktemp("document-signer-pki")
    init_test_pki(directory)
    return directory


@pytest.fixture
def document_signing(settings, document_signer_pki):
    """Documents are signed under the session's test PKI, and their QR names a fixed portal address."""
    settings.MRTD_PKI_DIR = document_signer_pki
    settings.DOCUMENTOS_SIGNER_DIR = ""
    settings.SITE_URL = "https://migraciones.example"

