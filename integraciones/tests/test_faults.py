"""Every client against every injected fault, over real HTTP to the simulators."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import requests

from integraciones.banco_nacion import BancoNacionClient
from integraciones.errors import MalformedResponse, ServiceUnavailable
from integraciones.http import CircuitBreaker
from integraciones.interpol import InterpolClient
from integraciones.pnp import PnpClient
from integraciones.reniec import ReniecClient
from integraciones.simulators import PREFIXES, start_in_thread
from integraciones.tests.support import inject, requests_seen

TIMEOUT = 0.3


def _reniec(base: str, **options: Any) -> Any:
    return ReniecClient(base + PREFIXES["reniec"], **options).lookup("70275722", with_photo=False)


def _banco(base: str, **options: Any) -> Any:
    client = BancoNacionClient(base + PREFIXES["banco_nacion"], **options)
    return client.verify_receipt("1000001", dt.date(2025, 1, 15), Decimal("120.90"), "01810", "70275722")


def _pnp(base: str, **options: Any) -> Any:
    return PnpClient(base + PREFIXES["pnp"], **options).check_person("12345678")


def _interpol(base: str, **options: Any) -> Any:
    return InterpolClient(base + PREFIXES["interpol"], **options).check_sltd("AB123456", "PER")


CALLS: dict[str, Callable[..., Any]] = {"reniec": _reniec, "banco_nacion": _banco, "pnp": _pnp, "interpol": _interpol}
services = pytest.mark.parametrize("service", sorted(CALLS))


def _call(service: str, base: str, **options: Any) -> Any:
    options.setdefault("timeout", TIMEOUT)
    options.setdefault("breaker", CircuitBreaker(failure_threshold=50))
    return CALLS[service](base, **options)


def _assert_answered(result: Any) -> None:
    # Each call returns its dataclass: a citizen, a valid receipt, a clear PNP check, no SLTD hit.
    valid = getattr(result, "valid", None)
    assert valid is not False
    assert getattr(result, "dni", "70275722") == "70275722"
    assert getattr(result, "clear", True) is True
    assert getattr(result, "hit", False) is False


@services
def test_latency_within_timeout_still_answers(simulator_url: str, service: str) -> None:
    inject(simulator_url, service, latency_ms=150)
    started = time.monotonic()
    result = _call(service, simulator_url, timeout=1.0)
    assert time.monotonic() - started >= 0.15
    _assert_answered(result)


@services
def test_latency_beyond_timeout_is_unavailable_within_bounded_time(simulator_url: str, service: str) -> None:
    # given a service slower than the client's patience
    inject(simulator_url, service, latency_ms=3000)
    started = time.monotonic()
    # when called with one retry
    with pytest.raises(ServiceUnavailable) as failure:
        _call(service, simulator_url, retries=1)
    # then it gives up after about two timeouts plus one backoff, naming the service
    assert failure.value.reason == "timeout"
    assert failure.value.service == service
    assert time.monotonic() - started < 2 * TIMEOUT + 0.1 + 0.4


@services
def test_hanging_service_is_unavailable_within_bounded_time(simulator_url: str, service: str) -> None:
    inject(simulator_url, service, timeout=True)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as failure:
        _call(service, simulator_url, retries=0)
    assert failure.value.reason == "timeout"
    assert time.monotonic() - started < TIMEOUT + 0.4


@services
@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_then_unavailable(simulator_url: str, service: str, status: int) -> None:
    inject(simulator_url, service, status=status)
    before = requests_seen(simulator_url, service)
    with pytest.raises(ServiceUnavailable) as failure:
        _call(service, simulator_url, retries=2)
    assert failure.value.reason == f"http_{status}"
    assert requests_seen(simulator_url, service) - before == 3


@services
def test_transient_server_errors_are_absorbed_by_retries(simulator_url: str, service: str) -> None:
    # given two failures, fewer than the client's two retries allow
    inject(simulator_url, service, status=503, count=2)
    before = requests_seen(simulator_url, service)
    # then the caller gets the answer, on the third attempt
    _assert_answered(_call(service, simulator_url, retries=2))
    assert requests_seen(simulator_url, service) - before == 3


@services
def test_invalid_json_is_malformed_response_and_not_retried(simulator_url: str, service: str) -> None:
    inject(simulator_url, service, malformed=True)
    before = requests_seen(simulator_url, service)
    with pytest.raises(MalformedResponse) as failure:
        _call(service, simulator_url, retries=2)
    assert failure.value.service == service
    assert requests_seen(simulator_url, service) - before == 1


@services
def test_missing_fields_are_malformed_response_naming_the_field(simulator_url: str, service: str) -> None:
    inject(simulator_url, service, malformed="fields")
    with pytest.raises(MalformedResponse) as failure:
        _call(service, simulator_url)
    assert failure.value.field


@services
def test_circuit_opens_refuses_fast_then_recovers(simulator_url: str, service: str) -> None:
    # given a service that keeps failing and a breaker that opens after 3 failures
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout_s=0.3)
    inject(simulator_url, service, status=503)
    for _ in range(3):
        with pytest.raises(ServiceUnavailable):
            _call(service, simulator_url, retries=0, breaker=breaker)
    before = requests_seen(simulator_url, service)
    # when called again: refused at once, without reaching the service
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as failure:
        _call(service, simulator_url, retries=0, breaker=breaker)
    assert failure.value.reason == "circuit_open"
    assert time.monotonic() - started < 0.05
    assert requests_seen(simulator_url, service) == before
    # then, once the service is back and the cool-down is over, one probe closes it
    requests.delete(f"{simulator_url}{PREFIXES[service]}/__faults__", timeout=5)
    time.sleep(0.35)
    _assert_answered(_call(service, simulator_url, retries=0, breaker=breaker))
    assert breaker.state == CircuitBreaker.CLOSED


def test_invalid_fault_is_rejected_naming_the_field(simulator_url: str) -> None:
    reply = requests.post(f"{simulator_url}/pnp/__faults__", json={"status": 404}, timeout=5)
    assert reply.status_code == 400
    assert reply.json()["error"]["field"] == "status"


def test_faults_can_be_set_at_start_up_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a simulator started with SIM_INTERPOL_STATUS=503
    monkeypatch.setenv("SIM_INTERPOL_STATUS", "503")
    server, url = start_in_thread(latency_ms=0)
    try:
        with pytest.raises(ServiceUnavailable) as failure:
            _call("interpol", url, retries=0)
        assert failure.value.reason == "http_503"
        # and the other services unaffected
        _assert_answered(_call("pnp", url, retries=0))
    finally:
        server.shutdown()
        server.server_close()
