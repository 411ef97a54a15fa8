"""Health of the external systems for /healthz: one quick GET <base>/health each, in parallel."""
from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from integraciones.http import breaker_states, get_session

SETTINGS = {"reniec": "RENIEC_URL", "banco_nacion": "BANCO_NACION_URL", "pnp": "PNP_URL", "interpol": "INTERPOL_URL"}


def _configured_urls() -> dict[str, str]:
    from django.conf import settings

    return {name: getattr(settings, setting) for name, setting in SETTINGS.items()}


def check_service(base_url: str, timeout: float) -> dict[str, Any]:
    """{"ok": bool, "ms": float} and, when not ok, an "error" saying why."""
    started = time.monotonic()
    try:
        # No retries and no breaker here: health reports what the service does right now.
        response = get_session().get(f"{base_url.rstrip('/')}/health", timeout=timeout)
        error = None if response.status_code == 200 else f"HTTP {response.status_code}"
    except requests.Timeout:
        error = "timeout"
    except requests.RequestException as exc:
        error = type(exc).__name__
    result: dict[str, Any] = {"ok": error is None, "ms": round((time.monotonic() - started) * 1000, 1)}
    if error:
        result["error"] = error
    return result


def check_all(timeout: float = 1.0, urls: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each service's health, with its circuit breaker state when one exists.

    ``urls`` defaults to the Django settings; all checks run at once, so the whole call
    takes about ``timeout`` at worst.
    """
    targets = dict(urls) if urls is not None else _configured_urls()
    with ThreadPoolExecutor(max_workers=max(1, len(targets))) as pool:
        futures = {name: pool.submit(check_service, url, timeout) for name, url in targets.items()}
        results = {name: future.result() for name, future in futures.items()}
    for name, state in breaker_states().items():
        if name in results:
            results[name]["circuit"] = state
    return results
