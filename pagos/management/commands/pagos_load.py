"""`python manage.py pagos_load [file]`: load the fee catalogue (pagos/data/tupa_2026.toml by default).

Idempotent: the same file loaded again changes nothing. A new amount from a date is a new [[fee]]
entry with its valid_from (the previous entry of that code and procedure is closed the day before);
an amount already loaded is never changed in place, and a file that tries is refused as a whole.
"""
import getpass

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from pagos.loader import DEFAULT_FILE, read_catalogue
from pagos.services import catalogue_load


class Command(BaseCommand):
    help = "Carga el catálogo de tasas del TUPA y la UIT desde su archivo TOML (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="archivo TOML del catálogo")

    def handle(self, *args, file: str, **options):
        operator = f"manage.py pagos_load ({getpass.getuser()})"
        try:
            result = catalogue_load(actor=operator, catalogue=read_catalogue(file))
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"tasas: {result.fees_created} creadas, {result.fees_updated} actualizadas; "
                          f"UIT: {result.uits_created} creadas, {result.uits_updated} actualizadas"
                          + ("" if result.changed else " (sin cambios)"))
