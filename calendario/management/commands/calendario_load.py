"""`python manage.py calendario_load 2027 [more years or files]`: load a year's calendar from its file.

A year stands for the shipped calendario/data/<year>.json; a path loads any calendar file. Loading is
idempotent: the year's rows become exactly the file's days (a day removed from the file is removed),
and the same file loaded again changes nothing. `--all` loads every shipped file.
"""
import getpass

from django.core.management.base import BaseCommand, CommandError

from calendario.loader import read_year_file, shipped_year_files, year_file_path
from calendario.services import calendar_year_load
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Carga el calendario de días no laborables de un año desde su archivo (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="*", metavar="AÑO_O_ARCHIVO",
                            help="un año (calendario/data/<año>.json) o la ruta de un archivo de calendario")
        parser.add_argument("--all", action="store_true", help="carga todos los archivos de calendario/data/")

    def handle(self, *args, targets: list[str], all: bool, **options):
        paths = [year_file_path(t) for t in targets] + (shipped_year_files() if all else [])
        if not paths:
            raise CommandError("indique un año, un archivo o --all")
        operator = f"manage.py calendario_load ({getpass.getuser()})"
        for path in paths:
            try:
                result = calendar_year_load(actor=operator, year_file=read_year_file(path))
            except ApplicationError as exc:
                raise CommandError(exc.message)
            self.stdout.write(f"{result.year}: {result.created} creados, {result.updated} actualizados, "
                              f"{result.deleted} eliminados" + ("" if result.changed else " (sin cambios)"))
