"""All four simulators in one WSGI app, mounted by path prefix, and a threaded server for it."""
from __future__ import annotations

import socketserver
import threading
from http import HTTPStatus
from collections.abc import Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from integraciones.banco_nacion import simulator as banco_nacion_simulator
from integraciones.interpol import simulator as interpol_simulator
from integraciones.pnp import simulator as pnp_simulator
from integraciones.reniec import simulator as reniec_simulator
from integraciones.simkit import StartResponse, WsgiApp, json_reply

PREFIXES = {"reniec": "/reniec", "banco_nacion": "/banco-nacion", "pnp": "/pnp", "interpol": "/interpol"}


def make_app(*, latency_ms: int | None = None, notify_secret: str | None = None) -> WsgiApp:
    """One WSGI app serving /reniec, /banco-nacion, /pnp and /interpol.

    ``latency_ms`` overrides every simulator's default latency (tests pass a small one).
    """
    apps: dict[str, WsgiApp] = {
        PREFIXES["reniec"]: reniec_simulator.make_app(latency_ms=latency_ms),
        PREFIXES["banco_nacion"]: banco_nacion_simulator.make_app(latency_ms=latency_ms, notify_secret=notify_secret),
        PREFIXES["pnp"]: pnp_simulator.make_app(latency_ms=latency_ms),
        PREFIXES["interpol"]: interpol_simulator.make_app(latency_ms=latency_ms),
    }

    def dispatch(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        for prefix, app in apps.items():
            if path == prefix or path.startswith(prefix + "/"):
                mounted = dict(environ)
                mounted["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                mounted["PATH_INFO"] = path[len(prefix) :]
                return app(mounted, start_response)
        reply = json_reply({"services": sorted(apps)}, 200 if path == "/" else 404)
        headers = [("Content-Type", reply.content_type), ("Content-Length", str(len(reply.body)))]
        start_response(f"{reply.status} {HTTPStatus(reply.status).phrase}", headers)
        return [reply.body]

    return dispatch


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one daemon thread per request, so a slow request blocks no other."""

    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr (tests); the command keeps wsgiref's log."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - wsgiref's signature
        pass


def build_server(host: str, port: int, *, app: WsgiApp | None = None, quiet: bool = False) -> ThreadingWSGIServer:
    """A bound server (port 0 picks a free one); call ``serve_forever`` to run it."""
    handler = QuietHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, app or make_app(), server_class=ThreadingWSGIServer, handler_class=handler)
    return server  # type: ignore[return-value]


def start_in_thread(host: str = "127.0.0.1", port: int = 0, **app_options: Any) -> tuple[ThreadingWSGIServer, str]:
    """Serve in a daemon thread; returns the server (``shutdown()`` stops it) and its base URL."""
    server = build_server(host, port, app=make_app(**app_options), quiet=True)
    threading.Thread(target=server.serve_forever, name="simulators", daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    return server, f"http://{bound_host}:{bound_port}"


def serve(host: str = "127.0.0.1", port: int = 8700) -> None:
    """Serve all simulators until interrupted (Ctrl-C)."""
    server = build_server(host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
