"""`python manage.py biometria_calibrate`: FMR/FNMR on the test images and variations, into docs/BIOMETRICS.md."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from biometria import calibration
from biometria.engine.matching import FACE_THRESHOLD, FINGER_THRESHOLD

BEGIN, END = "<!-- calibración: inicio -->", "<!-- calibración: fin -->"
# Below a face score of 0.40 (distance 0.6, the library's own operating point) no tiny test set can justify going.
FACE_FLOOR = 0.40
FINGER_FLOOR = 0.05


class Command(BaseCommand):
    help = "Mide FMR y FNMR sobre las imágenes de prueba y sus variaciones y escribe la tabla en docs/BIOMETRICS.md."

    def add_arguments(self, parser):
        from core.testdata import testdata_dir

        parser.add_argument("--testdata", type=Path, default=testdata_dir())
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "docs" / "BIOMETRICS.md")
        parser.add_argument("--quick", action="store_true", help="solo original, jpeg y blur (más rápido)")

    def handle(self, *args, **options):
        data: Path = options["testdata"]
        if not (data / "faces").is_dir():
            raise CommandError(f"no hay imágenes de prueba en {data}")
        face_variations = ("original", "jpeg", "blur") if options["quick"] else tuple(calibration.VARIATIONS)
        finger_variations = ("original", "jpeg") if options["quick"] else calibration.FINGER_VARIATIONS
        faces, face_failures = calibration.face_samples(data / "faces", face_variations)
        self.stdout.write(f"rostros: {len(faces)} muestras")
        fingers, finger_failures = calibration.finger_samples(data / "fingerprints", finger_variations)
        self.stdout.write(f"huellas: {len(fingers)} muestras")
        face, finger = calibration.face_rates(faces), calibration.finger_rates(fingers)
        face.failures, finger.failures = face_failures, finger_failures
        face_choice = face.choose(calibration.FACE_GRID, floor=FACE_FLOOR)
        finger_choice = finger.choose(calibration.FINGER_GRID, floor=FINGER_FLOOR)
        table = calibration.markdown(face, finger, face_choice, finger_choice, (FACE_THRESHOLD, FINGER_THRESHOLD))
        _write_section(options["output"], table)
        self.stdout.write(f"umbral rostro {face_choice:.2f}, huella {finger_choice:.2f}; escrito en {options['output']}")


def _write_section(path: Path, table: str) -> None:
    """Replace the text between the markers, keeping the rest of the document."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{table}\n{END}"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
