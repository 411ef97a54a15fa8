"""Shared fixtures of the mrtd tests: the `pcsc` marker and a reachable pcscd with its vpcd readers."""

from __future__ import annotations

import os

import pytest

# Tests use the second vpcd reader so that a card served by hand on 35963 does not collide.
TEST_READER = "Virtual PCD 00 01"
TEST_PORT = 35964


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pcsc: needs pcscd with the vsmartcard vpcd driver (required when CI is set)")


def _pcsc_problem() -> str | None:
    try:
        from smartcard.System import readers
        names = [str(r) for r in readers()]
    except Exception as exc:  # pyscard raises several types when pcscd is absent
        return f"pcscd no disponible / pcscd unreachable: {exc}"
    if TEST_READER not in names:
        return f"lector {TEST_READER!r} ausente (¿vsmartcard-vpcd?) / reader missing; readers: {names}"
    return None


@pytest.fixture(scope="session")
def pcsc_reader() -> str:
    """Name of the vpcd reader for tests; skips without pcscd, but fails under CI."""
    problem = _pcsc_problem()
    if problem:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI requiere pcscd y vpcd / CI needs pcscd and vpcd: {problem}")
        pytest.skip(f"{problem} (start it with: pcscd -f &)")
    return TEST_READER
