"""The worker's heartbeat: beat schedules it, a worker runs it and writes the time into the cache,
and /healthz reads how old it is (a worker that stopped consuming stops writing)."""
import socket
import time

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache

HEARTBEAT_KEY = "migraciones:worker-heartbeat"


def heartbeat_write(source: str) -> None:
    cache.set(HEARTBEAT_KEY, {"at": time.time(), "host": socket.gethostname(), "source": source}, timeout=24 * 3600)


def heartbeat_age_s() -> float | None:
    """Seconds since a worker last wrote its heartbeat; None when none ever did (or it expired)."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if not beat else max(0.0, time.time() - float(beat["at"]))


@shared_task(ignore_result=True, expires=60)
def worker_heartbeat() -> None:
    heartbeat_write("task")


@worker_ready.connect
def _worker_started(**_kwargs) -> None:
    try:
        heartbeat_write("worker_ready")
    except Exception:  # noqa: BLE001 - a worker starts even when the cache is down; health will say so
        pass
