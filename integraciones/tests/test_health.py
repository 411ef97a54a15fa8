"""Health of the external systems, as /healthz reports it."""
from __future__ import annotations

import time

from integraciones.health import check_all
from integraciones.simulators import PREFIXES
from integraciones.tests.support import inject


def _urls(base: str) -> dict[str, str]:
    return {name: base + prefix for name, prefix in PREFIXES.items()}


def test_all_simulators_healthy(simulator_url: str) -> None:
    report = check_all(timeout=1.0, urls=_urls(simulator_url))
    assert set(report) == {"reniec", "banco_nacion", "pnp", "interpol"}
    assert all(entry["ok"] and entry["ms"] >= 0 for entry in report.values())


def test_failing_and_hanging_services_are_reported_down_within_the_timeout(simulator_url: str) -> None:
    inject(simulator_url, "pnp", status=503)
    inject(simulator_url, "interpol", timeout=True)
    urls = _urls(simulator_url) | {"reniec": "http://127.0.0.1:9/reniec"}
    started = time.monotonic()
    report = check_all(timeout=0.3, urls=urls)
    # checks run side by side, so a hanging service costs one timeout, not one each
    assert time.monotonic() - started < 0.8
    assert report["banco_nacion"]["ok"]
    assert (report["pnp"]["ok"], report["pnp"]["error"]) == (False, "HTTP 503")
    assert (report["interpol"]["ok"], report["interpol"]["error"]) == (False, "timeout")
    assert not report["reniec"]["ok"]


def test_check_all_reads_the_urls_from_settings(settings: object, simulator_url: str) -> None:
    for name, prefix in PREFIXES.items():
        setattr(settings, f"{name.upper()}_URL", simulator_url + prefix)
    assert all(entry["ok"] for entry in check_all(timeout=1.0).values())
