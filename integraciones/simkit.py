"""Plain-WSGI building blocks shared by the simulators: routing, JSON replies, injectable faults."""
from __future__ import annotations

import json
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

MAX_BODY_BYTES = 1024 * 1024
# Longer than any client timeout, yet bounded so a forgotten fault never pins a thread forever.
TIMEOUT_SLEEP_S = float(os.environ.get("SIM_TIMEOUT_SLEEP_S", "30"))
FAULT_STATUSES = (500, 502, 503, 504)


class HttpError(Exception):
    """Raised by a handler to answer with ``{"error": {code, message, field}}``."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def json_reply(data: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def error_reply(status: int, code: str, message: str, field_name: str | None = None) -> Reply:
    return json_reply({"error": {"code": code, "message": message, "field": field_name}}, status)


def html_reply(html: str, status: int = 200) -> Reply:
    return Reply(status, html.encode("utf-8"), "text/html; charset=utf-8")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes
    base_url: str
    headers: dict[str, str]
    match: re.Match[str] | None = None

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"null")
        except ValueError as exc:
            raise HttpError(400, "invalid_json", "El cuerpo no es JSON válido") from exc
        if not isinstance(data, dict):
            raise HttpError(400, "invalid_json", "Se esperaba un objeto JSON")
        return data

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace")))


def read_request(environ: dict[str, Any]) -> Request:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise HttpError(413, "too_large", "Cuerpo demasiado grande")
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    return Request(
        method=environ.get("REQUEST_METHOD", "GET").upper(),
        path=environ.get("PATH_INFO", "") or "/",
        query=dict(parse_qsl(environ.get("QUERY_STRING", ""))),
        body=body,
        base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}",
        headers=headers,
    )


@dataclass
class FaultSpec:
    """One injected fault; ``count`` None means until cleared."""

    latency_ms: int | None = None
    status: int | None = None
    timeout: bool = False
    malformed: bool | str = False
    count: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultSpec:
        spec = cls(
            latency_ms=_opt_int(data, "latency_ms", 0, 60_000),
            status=_opt_int(data, "status", 500, 599),
            timeout=_flag(data, "timeout"),
            malformed=_malformed(data),
            count=_opt_int(data, "count", 1, 1_000_000),
        )
        if spec.status is not None and spec.status not in FAULT_STATUSES:
            raise HttpError(400, "invalid_fault", f"status debe ser uno de {FAULT_STATUSES}", field="status")
        return spec

    @classmethod
    def from_env(cls, name: str) -> FaultSpec | None:
        """Standing fault from SIM_<NAME>_STATUS / _TIMEOUT / _MALFORMED, or None."""
        prefix = f"SIM_{name.upper()}_"
        status = os.environ.get(prefix + "STATUS")
        timeout = os.environ.get(prefix + "TIMEOUT", "").lower() in ("1", "true", "yes")
        malformed = os.environ.get(prefix + "MALFORMED", "").lower() in ("1", "true", "yes")
        if not (status or timeout or malformed):
            return None
        return cls(status=int(status) if status else None, timeout=timeout, malformed=malformed)


def _opt_int(data: dict[str, Any], name: str, low: int, high: int) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise HttpError(400, "invalid_fault", f"{name} debe ser un entero entre {low} y {high}", field=name)
    return value


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise HttpError(400, "invalid_fault", f"{name} debe ser true o false", field=name)
    return value


def _malformed(data: dict[str, Any]) -> bool | str:
    value = data.get("malformed", False)
    if isinstance(value, bool) or value == "fields":
        return value
    raise HttpError(400, "invalid_fault", 'malformed debe ser true, false o "fields"', field="malformed")


class FaultInjector:
    """The fault state of one simulator, shared by its request threads."""

    def __init__(self, name: str, default_latency_ms: int) -> None:
        self.default_latency_ms = default_latency_ms
        self._lock = threading.Lock()
        self._spec: FaultSpec | None = FaultSpec.from_env(name)
        self._requests = 0
        # Clearing faults wakes the requests sleeping in a simulated timeout.
        self._wake = threading.Event()

    def set(self, spec: FaultSpec) -> None:
        with self._lock:
            self._spec = spec
            self._wake.clear()

    def clear(self) -> None:
        with self._lock:
            self._spec = None
            self._wake.set()
            self._wake = threading.Event()

    def take(self) -> tuple[FaultSpec | None, threading.Event]:
        """Count one request and return the fault that applies to it (consuming one use)."""
        with self._lock:
            self._requests += 1
            spec = self._spec
            if spec is not None and spec.count is not None:
                spec.count -= 1
                if spec.count <= 0:
                    self._spec = None
            return (FaultSpec(**asdict(spec)) if spec else None), self._wake

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "active": asdict(self._spec) if self._spec else None,
                "requests": self._requests,
                "default_latency_ms": self.default_latency_ms,
            }


Handler = Callable[[Request], Reply]
Route = tuple[str, str, Handler]


class SimulatorApp:
    """A WSGI app with routes, GET /health and the /__faults__ admin endpoint."""

    def __init__(self, name: str, routes: list[Route], *, default_latency_ms: int) -> None:
        self.name = name
        env_latency = os.environ.get(f"SIM_{name.upper()}_LATENCY_MS")
        self.faults = FaultInjector(name, int(env_latency) if env_latency else default_latency_ms)
        health: Route = ("GET", r"/health", self._health)
        self._routes = [(m, re.compile(p + r"/?\Z"), h) for m, p, h in [health, *routes]]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            request = read_request(environ)
            reply = self._admin(request) if request.path.rstrip("/") == "/__faults__" else self._serve(request)
        except HttpError as exc:
            reply = error_reply(exc.status, exc.code, exc.message, exc.field)
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body))), *reply.headers]
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        return [reply.body]

    def _health(self, request: Request) -> Reply:
        return json_reply({"status": "ok", "service": self.name})

    def _admin(self, request: Request) -> Reply:
        if request.method == "POST":
            self.faults.set(FaultSpec.from_json(request.json()))
        elif request.method == "DELETE":
            self.faults.clear()
        elif request.method != "GET":
            raise HttpError(405, "method_not_allowed", "Método no permitido")
        return json_reply(self.faults.snapshot())

    def _serve(self, request: Request) -> Reply:
        spec, wake = self.faults.take()
        latency = spec.latency_ms if spec and spec.latency_ms is not None else self.faults.default_latency_ms
        if latency:
            wake.wait(latency / 1000)
        if spec and spec.timeout:
            wake.wait(TIMEOUT_SLEEP_S)
            return error_reply(504, "timeout", "Tiempo de espera agotado")
        if spec and spec.status:
            return error_reply(spec.status, "fault", "Falla simulada del servicio")
        if spec and spec.malformed == "fields":
            return json_reply({"inesperado": True})
        if spec and spec.malformed:
            return Reply(200, b'{"datos": [1, 2')
        return self._route(request)

    def _route(self, request: Request) -> Reply:
        allowed = False
        for method, pattern, handler in self._routes:
            match = pattern.match(request.path)
            if match is None:
                continue
            if method != request.method:
                allowed = True
                continue
            request.match = match
            return handler(request)
        if allowed:
            raise HttpError(405, "method_not_allowed", "Método no permitido")
        raise HttpError(404, "no_route", "Ruta no encontrada")


def normalize_name(name: str) -> str:
    """Upper case, no accents, single spaces: how the simulators compare names."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())
