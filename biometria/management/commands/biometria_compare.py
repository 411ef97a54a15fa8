"""`python manage.py biometria_compare --face A B` or `--finger A B`: score, threshold and decision as JSON."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biometria.engine import FingerPosition, capture_finger, compare_faces, compare_fingers, encode_face
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Compara dos imágenes de rostro (--face) o de huella (--finger) e imprime JSON."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--face", nargs=2, metavar=("A", "B"), type=Path)
        group.add_argument("--finger", nargs=2, metavar=("A", "B"), type=Path)

    def handle(self, *args, **options):
        try:
            if options["face"]:
                a, b = options["face"]
                result = compare_faces(encode_face(_read(a), field="A"), encode_face(_read(b), field="B"))
            else:
                a, b = options["finger"]
                templates = [capture_finger(_read(p), position=FingerPosition.UNKNOWN, field=name).iso_template
                             for p, name in ((a, "A"), (b, "B"))]
                result = compare_fingers(*templates)
        except ApplicationError as exc:
            # Operators get the same typed error as the API, as JSON, and a failing exit status.
            self.stdout.write(json.dumps(exc.as_dict(), ensure_ascii=False))
            raise CommandError(exc.message)
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"no se puede leer {path}: {exc.strerror}")
