"""A whole enrollment end to end: face, two fingers and a signature, captured and stored (encrypted, audited).

Run: .venv/bin/python bench/bench_biometria_enroll.py [--runs 5]
Uses a throw-away SQLite database and gallery in a temporary directory (MIGRACIONES_VAR_DIR).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.testdata import TESTDATA  # noqa: E402
DATA = TESTDATA


def setup_django(tmp: str) -> None:
    os.environ["MIGRACIONES_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks run eagerly, in the measured time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 120), 255)
    ImageDraw.Draw(image).line([(20, 90), (80, 20), (120, 100), (180, 30), (260, 95), (380, 40)], fill=0, width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        import numpy as np

        from biometria.engine import FingerPosition, capture_face, capture_finger, capture_signature
        from biometria.services import enrollment_cancel, enrollment_create
        from rim.services import person_create

        face = (DATA / "faces" / "obama.jpg").read_bytes()
        index = (DATA / "fingerprints" / "sourceafis_probe.png").read_bytes()
        middle = (DATA / "fingerprints" / "sourceafis_nonmatching.png").read_bytes()
        signature = signature_png()
        capture_finger(index, position=FingerPosition.RIGHT_INDEX)  # warm-up: ONNX model load
        steps: dict[str, list[float]] = {k: [] for k in ("face", "fingers", "signature", "store", "total")}
        for run in range(args.runs + 1):
            person = person_create(actor=None, given_names=f"Persona {run}", first_surname="Prueba",
                                   birth_date=dt.date(1990, 1, 1), sex="F", nationality="PER")
            t0 = time.perf_counter()
            face_capture = capture_face(face)
            t1 = time.perf_counter()
            fingers = [capture_finger(index, position=FingerPosition.RIGHT_INDEX),
                       capture_finger(middle, position=FingerPosition.RIGHT_MIDDLE)]
            t2 = time.perf_counter()
            signature_capture = capture_signature(signature)
            t3 = time.perf_counter()
            outcome = enrollment_create(actor=None, person_id=person.pk, document_kind="PASAPORTE",
                                        face=face_capture, fingers=fingers, signature_png=signature_capture)
            t4 = time.perf_counter()
            # Runs before the last are clean enrollments (the previous one was cancelled, so it left the
            # gallery); the extra last run meets the one before it: the de-duplication path.
            last = run == args.runs
            suffix = " (dup)" if last else ""
            durations = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)
            for key, value in zip(("face", "fingers", "signature", "store", "total"), durations):
                steps.setdefault(key + suffix, []).append(value * 1000)
            assert (outcome.duplicate_case is not None) == last
            if run < args.runs - 1:
                enrollment_cancel(actor=None, enrollment_id=outcome.enrollment.pk, reason="bench")
        for key, values in steps.items():
            if values:
                print(f"{key:9s} p50 {np.median(values):7.0f} ms   max {max(values):7.0f} ms  (n={len(values)})")


if __name__ == "__main__":
    main()
