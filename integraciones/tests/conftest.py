"""Fixtures: the combined simulator over real HTTP on a free port, with faults cleared per test."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from integraciones.http import reset_breakers
from integraciones.simulators import start_in_thread
from integraciones.tests.support import NOTIFY_SECRET, clear_faults


@pytest.fixture(scope="session")
def simulators_server() -> Iterator[str]:
    server, url = start_in_thread(latency_ms=2, notify_secret=NOTIFY_SECRET)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def simulator_url(simulators_server: str) -> Iterator[str]:
    """Base URL of the simulators (no prefix), every fault cleared and every breaker closed."""
    clear_faults(simulators_server)
    reset_breakers()
    yield simulators_server
    clear_faults(simulators_server)
    reset_breakers()

