"""Helpers for the contract tests: inject faults into the simulators and read their counters."""
from __future__ import annotations

from typing import Any

import requests

from integraciones.simulators import PREFIXES

NOTIFY_SECRET = "test-notify-secret"


def clear_faults(url: str) -> None:
    for prefix in PREFIXES.values():
        requests.delete(f"{url}{prefix}/__faults__", timeout=5).raise_for_status()


def inject(url: str, service: str, **fault: Any) -> None:
    """POST a fault to one simulator, e.g. ``inject(url, "pnp", status=503, count=2)``."""
    requests.post(f"{url}{PREFIXES[service]}/__faults__", json=fault, timeout=5).raise_for_status()


def requests_seen(url: str, service: str) -> int:
    """How many requests (admin ones aside) the simulator has received so far."""
    reply = requests.get(f"{url}{PREFIXES[service]}/__faults__", timeout=5)
    reply.raise_for_status()
    return int(reply.json()["requests"])
