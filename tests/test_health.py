"""/healthz: the database, cache, broker and worker each reported; details only for monitoring (issue 10, item 15)."""
import time

import pytest
from django.core.cache import cache

from migraciones.tasks import HEARTBEAT_KEY, heartbeat_write, worker_heartbeat

pytestmark = pytest.mark.django_db
TOKEN = "monitoring-token-0123456789"


@pytest.fixture
def with_broker(settings):
    """A broker configured (as in production), so /healthz expects a worker."""
    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL or "redis://127.0.0.1:6379/15"
    settings.HEALTHZ_TOKEN = TOKEN
    cache.delete(HEARTBEAT_KEY)
    yield


def _details(client):
    return client.get("/healthz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_no_worker_is_a_failure_and_the_public_sees_only_that(client, with_broker):
    # given a broker but no worker writing its heartbeat
    public = client.get("/healthz")
    # then the public answer is only "fail", with a 503
    assert public.status_code == 503 and public.json() == {"status": "fail"}
    # and monitoring sees which part failed, without any exception text
    body = _details(client).json()
    assert body["worker"] == {"ok": False, "error": "_NoHeartbeat"}
    assert body["database"]["ok"] is True and body["cache"]["ok"] is True


def test_a_recent_heartbeat_is_a_live_worker(client, with_broker, settings):
    broker_up = _details(client).json()["broker"]["ok"]
    worker_heartbeat()  # what beat has a worker run every WORKER_HEARTBEAT_INTERVAL_S
    body = _details(client).json()
    assert body["worker"]["ok"] is True and body["worker"]["heartbeat_age_s"] < 5
    assert client.get("/healthz").status_code == (200 if broker_up else 503)


def test_a_stale_heartbeat_is_a_dead_worker(client, with_broker, settings):
    heartbeat_write("test")
    cache.set(HEARTBEAT_KEY, {"at": time.time() - settings.WORKER_HEARTBEAT_MAX_AGE_S - 1, "host": "h", "source": "t"})
    assert _details(client).json()["worker"]["ok"] is False


def test_a_wrong_token_gets_no_details(client, with_broker):
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer wrong").json() == {"status": "fail"}


def test_the_broker_and_the_cache_are_reported_apart(client, with_broker, settings):
    # given a broker that does not answer and a cache that is down
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/1",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    response = _details(client)
    body = response.json()
    assert response.status_code == 503
    assert body["broker"]["ok"] is False and body["cache"]["ok"] is False and body["database"]["ok"] is True
    assert "detail" not in body["broker"] and "Connection refused" not in response.content.decode()


def test_embedded_mode_has_no_worker_to_wait_for(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_details_include_the_external_systems_without_failing_the_portal(client, external_systems, settings):
    settings.CELERY_BROKER_URL = ""
    settings.HEALTHZ_TOKEN = TOKEN
    settings.PNP_URL = "http://127.0.0.1:9/pnp"
    body = _details(client).json()
    assert set(body["simulators"]) == {"reniec", "banco_nacion", "pnp", "interpol"}
    assert body["simulators"]["pnp"]["ok"] is False and body["simulators"]["reniec"]["ok"] is True
    assert body["status"] == "ok"


@pytest.mark.worker
def test_a_real_worker_writes_its_heartbeat(client, celery_worker_process, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    cache.delete(HEARTBEAT_KEY)
    worker_heartbeat.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _details(client).json()["worker"]["ok"]:
        time.sleep(0.2)
    assert _details(client).json()["worker"]["ok"] is True
    assert client.get("/healthz").json() == {"status": "ok"}
