"""Declare the sedes' counters, the services each offers, their regions and weekday hours from a JSON file."""
from pathlib import Path

from django.core.management.base import BaseCommand

from citas.loader import DEMO_FILE, sedes_load


class Command(BaseCommand):
    help = "Carga ventanillas, servicios, región y horarios de las sedes desde un archivo JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEMO_FILE))

    def handle(self, *args, path: str, **options):
        codes = sedes_load(actor="sistema:citas_sedes_load", path=Path(path))
        self.stdout.write(f"sedes: {', '.join(codes) or '-'}")
