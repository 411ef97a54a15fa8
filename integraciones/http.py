"""One shared HTTP session for all outbound calls, with retries, backoff and circuit breakers."""
from __future__ import annotations

import json as jsonlib
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError

from integraciones.errors import (
    IntegrationError,
    MalformedResponse,
    NotFound,
    RequestRejected,
    ServiceUnavailable,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 3.0
# Nothing these services send is this large; a bigger body means something is wrong.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
USER_AGENT = "migraciones-portal/1.0"

_session: requests.Session | None = None
_session_lock = threading.Lock()


def get_session() -> requests.Session:
    """The process-wide session: pooled connections, no hidden retries, no proxies from env."""
    global _session
    with _session_lock:
        if _session is None:
            session = requests.Session()
            # Retries are ours (idempotency-aware); urllib3 must not retry behind our back.
            adapter = HTTPAdapter(pool_connections=8, pool_maxsize=32, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            session.trust_env = False
            _session = session
        return _session


class CircuitBreaker:
    """Per-service breaker: opens after N consecutive failures, half-opens after a cool-down.

    In the half-open state a single probe goes through; its success closes the breaker,
    its failure opens it again. Thread-safe, in-process only.
    """

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = self.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started: float | None = None

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == self.OPEN and self._cooled_down():
                return self.HALF_OPEN
            return self._state

    def allow(self) -> bool:
        """Whether a request may go out now (claims the probe slot when half-open)."""
        with self._lock:
            now = self._clock()
            if self._state == self.CLOSED:
                return True
            if self._state == self.OPEN:
                if not self._cooled_down():
                    return False
                self._state = self.HALF_OPEN
                self._probe_started = now
                return True
            # Half-open: one probe at a time; a probe lost without a result frees its slot
            # after another cool-down so the breaker cannot stay stuck.
            if self._probe_started is None or now - self._probe_started >= self.reset_timeout_s:
                self._probe_started = now
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._state = self.CLOSED
            self._failures = 0
            self._probe_started = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == self.HALF_OPEN or self._failures >= self.failure_threshold:
                self._state = self.OPEN
                self._opened_at = self._clock()
                self._probe_started = None

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self.reset_timeout_s


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(
    service: str, *, failure_threshold: int = 5, reset_timeout_s: float = 30.0
) -> CircuitBreaker:
    """The process-wide breaker of a service, created with these parameters on first use."""
    with _breakers_lock:
        breaker = _breakers.get(service)
        if breaker is None:
            breaker = CircuitBreaker(failure_threshold, reset_timeout_s)
            _breakers[service] = breaker
        return breaker


def reset_breakers() -> None:
    """Forget every breaker (tests, or an operator after fixing an outage)."""
    with _breakers_lock:
        _breakers.clear()


def breaker_states() -> dict[str, str]:
    with _breakers_lock:
        return {name: breaker.state for name, breaker in _breakers.items()}


class _Retryable(Exception):
    """An attempt failed in a way another attempt may fix."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class HttpClient:
    """JSON over HTTP to one service, through the shared session.

    Retries (with exponential backoff and jitter) only idempotent requests: GET, or a POST
    carrying an Idempotency-Key. Every failure ends as an ``IntegrationError``.
    """

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        retries: int = 2,
        breaker: CircuitBreaker | None = None,
        backoff_base_s: float = 0.1,
        backoff_max_s: float = 2.0,
        session: requests.Session | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.breaker = breaker or breaker_for(service)
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._session = session

    def get(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, *, json: Any, idempotency_key: str | None = None) -> Any:
        return self.request("POST", path, json=json, idempotency_key=idempotency_key)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Send the request and return the decoded JSON body of a 2xx reply."""
        if not self.breaker.allow():
            raise ServiceUnavailable(self.service, "circuit_open", "circuito abierto: servicio en falla")
        headers = {"Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        idempotent = method.upper() == "GET" or bool(idempotency_key)
        attempts = 1 + (self.retries if idempotent else 0)
        try:
            data = self._attempts(method, path, params, json, headers, attempts)
        except (ServiceUnavailable, MalformedResponse):
            self.breaker.record_failure()
            raise
        except IntegrationError:
            # 4xx: the service is up and answered; it is the request that was wrong.
            self.breaker.record_success()
            raise
        self.breaker.record_success()
        return data

    def _attempts(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: Any,
        headers: dict[str, str],
        attempts: int,
    ) -> Any:
        last = _Retryable("connection", "sin intentos")
        for attempt in range(attempts):
            try:
                return self._once(method, path, params, json, headers)
            except _Retryable as failure:
                last = failure
                logger.warning(
                    "%s %s: attempt %d/%d failed (%s)", self.service, method, attempt + 1, attempts, failure.reason
                )
                if attempt + 1 < attempts:
                    time.sleep(self._backoff(attempt))
        raise ServiceUnavailable(self.service, last.reason, last.message)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_max_s, self.backoff_base_s * (2**attempt))
        # Jitter spreads the retries of many callers hitting the same outage.
        return random.uniform(ceiling / 2, ceiling)

    def _once(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: Any,
        headers: dict[str, str],
    ) -> Any:
        deadline = time.monotonic() + self.timeout
        session = self._session or get_session()
        try:
            response = session.request(
                method,
                f"{self.base_url}/{path.lstrip('/')}",
                params=params,
                json=json,
                headers=headers,
                timeout=self.timeout,
                stream=True,
                allow_redirects=False,
            )
            with response:
                body = self._read_body(response, deadline)
        except requests.Timeout as exc:
            raise _Retryable("timeout", f"sin respuesta en {self.timeout:g} s") from exc
        except requests.ConnectionError as exc:
            if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                raise _Retryable("timeout", f"sin respuesta en {self.timeout:g} s") from exc
            raise _Retryable("connection", "no se pudo conectar") from exc
        except requests.RequestException as exc:
            raise ServiceUnavailable(self.service, "request_error", str(exc)) from exc
        return self._interpret(response.status_code, body)

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        """The whole body, or a timeout once the deadline passes, even if bytes keep trickling.

        ``read1`` returns whatever has arrived, so the deadline is checked between small reads
        instead of after a full buffer that a slow server could take minutes to fill.
        """
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise MalformedResponse(self.service, "respuesta demasiado grande")
                if time.monotonic() > deadline:
                    raise _Retryable("timeout", f"respuesta incompleta tras {self.timeout:g} s")
                chunks.append(chunk)
        except ReadTimeoutError as exc:
            raise _Retryable("timeout", f"sin respuesta en {self.timeout:g} s") from exc
        except Urllib3Error as exc:
            raise _Retryable("connection", "conexión interrumpida") from exc
        return b"".join(chunks)

    def _interpret(self, status: int, body: bytes) -> Any:
        if status >= 500:
            raise _Retryable(f"http_{status}", f"error del servicio (HTTP {status})")
        if status == 404:
            message, field, _ = _remote_error(body)
            raise NotFound(self.service, message or "no encontrado", field=field)
        if 400 <= status < 500:
            message, field, code = _remote_error(body)
            raise RequestRejected(self.service, status, message or f"HTTP {status}", field=field, code=code)
        if not 200 <= status < 300:
            raise MalformedResponse(self.service, f"estado HTTP inesperado {status}")
        try:
            return jsonlib.loads(body)
        except ValueError as exc:
            raise MalformedResponse(self.service, "la respuesta no es JSON válido") from exc


def _remote_error(body: bytes) -> tuple[str, str | None, str]:
    """(message, field, code) from the simulators' ``{"error": {...}}`` body, or its text."""
    try:
        data = jsonlib.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip(), None, ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        field = error.get("field")
        return str(error.get("message", "")), field if isinstance(field, str) else None, str(error.get("code", ""))
    return "", None, ""
