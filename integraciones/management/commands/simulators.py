"""`manage.py simulators`: serve the RENIEC, Banco de la Nación, PNP and Interpol simulators."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from integraciones.simulators import PREFIXES, build_server


class Command(BaseCommand):
    help = "Sirve los simuladores de RENIEC, Banco de la Nación, PNP e Interpol (Ctrl-C para detener)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SIMULATORS_HOST)
        parser.add_argument("--port", type=int, default=settings.SIMULATORS_PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        server = build_server(host, port)
        bound_host, bound_port = server.server_address[:2]
        for name, prefix in PREFIXES.items():
            self.stdout.write(f"{name:13} http://{bound_host}:{bound_port}{prefix}")
        self.stdout.write("Ctrl-C para detener.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Simuladores detenidos.")
        finally:
            server.server_close()
