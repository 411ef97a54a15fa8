"""Circuit breaker state machine and the HTTP client's retry rules."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integraciones.errors import RequestRejected, ServiceUnavailable
from integraciones.http import CircuitBreaker, HttpClient
from integraciones.tests.support import inject, requests_seen


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_consecutive_failures() -> None:
    # given a breaker that tolerates 3 consecutive failures
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout_s=10, clock=FakeClock())
    # when two failures are separated by a success, then 3 follow
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    # then only the third consecutive one opens it
    assert breaker.state == CircuitBreaker.OPEN
    assert not breaker.allow()


def test_breaker_half_opens_after_cool_down_and_lets_one_probe_through() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout_s=10, clock=clock)
    breaker.record_failure()
    clock.now += 9.9
    assert not breaker.allow()
    # when the cool-down has passed
    clock.now += 0.2
    assert breaker.state == CircuitBreaker.HALF_OPEN
    # then one probe goes, a concurrent second one does not
    assert breaker.allow()
    assert not breaker.allow()
    breaker.record_success()
    assert breaker.state == CircuitBreaker.CLOSED
    assert breaker.allow()


def test_failed_probe_opens_the_breaker_again_for_a_full_cool_down() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=10, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.now += 10
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == CircuitBreaker.OPEN
    clock.now += 5
    assert not breaker.allow()


def test_post_without_idempotency_key_is_not_retried(simulator_url: str) -> None:
    # given PNP failing with 503
    inject(simulator_url, "pnp", status=503)
    client = HttpClient("pnp", simulator_url + "/pnp", timeout=0.5, retries=3, breaker=CircuitBreaker(10))
    before = requests_seen(simulator_url, "pnp")
    # when a POST without Idempotency-Key fails
    with pytest.raises(ServiceUnavailable) as failure:
        client.post("check", json={"dni": "12345678"})
    # then it went out once: repeating it could do the work twice
    assert failure.value.reason == "http_503"
    assert requests_seen(simulator_url, "pnp") - before == 1


def test_post_with_idempotency_key_is_retried(simulator_url: str) -> None:
    inject(simulator_url, "pnp", status=503, count=2)
    client = HttpClient("pnp", simulator_url + "/pnp", timeout=0.5, retries=2, breaker=CircuitBreaker(10))
    before = requests_seen(simulator_url, "pnp")
    data = client.post("check", json={"dni": "12345678"}, idempotency_key="k-1")
    assert data["requisitorias"] == []
    assert requests_seen(simulator_url, "pnp") - before == 3


def test_rejections_do_not_open_the_circuit(simulator_url: str) -> None:
    # given a strict breaker
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=30)
    client = HttpClient("pnp", simulator_url + "/pnp", timeout=0.5, retries=0, breaker=breaker)
    # when the service rejects bad requests several times
    for _ in range(4):
        with pytest.raises(RequestRejected) as rejected:
            client.post("check", json={"dni": "12"})
        # then the caller gets the remote message and the field
        assert rejected.value.status == 400
        assert rejected.value.field == "dni"
        assert "8 dígitos" in rejected.value.message
    # and the service, which answered, is not considered down
    assert breaker.state == CircuitBreaker.CLOSED


def test_connection_refused_is_service_unavailable_quickly() -> None:
    client = HttpClient("pnp", "http://127.0.0.1:9/pnp", timeout=0.5, retries=1, breaker=CircuitBreaker(10))
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as failure:
        client.get("health")
    assert failure.value.reason == "connection"
    assert failure.value.service == "pnp"
    assert time.monotonic() - started < 1.0


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """A server that sends headers at once, then its body one byte every 50 ms."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            body = b'{"padding": "' + b"x" * 200 + b'"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass  # the client gave up, as it should

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_body_trickling_past_the_timeout_does_not_hang_the_caller(trickling_server: str) -> None:
    # given a server that keeps sending, slowly enough to take 10 s in all
    client = HttpClient("interpol", trickling_server, timeout=0.3, retries=0, breaker=CircuitBreaker(10))
    started = time.monotonic()
    # when the client reads the reply
    with pytest.raises(ServiceUnavailable) as failure:
        client.get("sltd")
    # then it gives up at its own deadline, not when the server finishes
    assert failure.value.reason == "timeout"
    assert time.monotonic() - started < 0.6
