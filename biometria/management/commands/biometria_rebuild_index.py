"""`python manage.py biometria_rebuild_index [--ann]`: rewrite the 1:N gallery from the database."""
import time

from django.core.management.base import BaseCommand

from biometria.services import gallery_rebuild


class Command(BaseCommand):
    help = "Reconstruye la galería 1:N de rostros desde los enrolamientos vigentes (y el índice ANN con --ann)."

    def add_arguments(self, parser):
        parser.add_argument("--ann", action="store_true", help="también construir el índice hnswlib")

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = gallery_rebuild(actor="comando:biometria_rebuild_index", build_ann=options["ann"])
        self.stdout.write(f"galería reconstruida: {rows} enrolamientos en {time.monotonic() - started:.1f} s")
