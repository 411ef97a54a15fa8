"""Face 1:1 verification from a 480p photo (decode, detect, encode, compare) and the 240p encode-only path.

Run: .venv/bin/python bench/bench_biometria_face.py [--runs 30]
Baseline in the same run: face_recognition's own path (load_image_file + face_encodings without
downscaling), which detects on the full image.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.testdata import TESTDATA  # noqa: E402
FACES = TESTDATA / "faces"

from biometria.engine import capture_face, compare_faces, encode_face, encode_portrait_crop  # noqa: E402


def jpeg_at_height(path: Path, height: int) -> bytes:
    image = Image.open(path).convert("RGB")
    image = image.resize((round(image.width * height / image.height), height), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def measure(fn, runs: int) -> tuple[float, float]:
    fn()  # warm-up: model loading is not part of a request
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    enrolled = capture_face((FACES / "obama.jpg").read_bytes()).encoding
    live_480 = jpeg_at_height(FACES / "obama2.jpg", 480)
    live_full = (FACES / "obama2.jpg").read_bytes()
    portrait = capture_face(live_full).portrait_jpeg
    crop_240 = Image.open(io.BytesIO(portrait)).convert("RGB").resize((180, 240), Image.LANCZOS)

    p50, p95 = measure(lambda: compare_faces(encode_face(live_480), enrolled), args.runs)
    print(f"verify from 480p photo (decode+HOG+encode+compare): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    p50, p95 = measure(lambda: compare_faces(encode_face(live_full), enrolled), args.runs)
    print(f"verify from the 626x1200 original (detection on a 480 px copy): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    p50, p95 = measure(lambda: compare_faces(encode_portrait_crop(crop_240), enrolled), args.runs)
    print(f"encode-only, 240p portrait crop (no detection): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"  same-person score on that path: {compare_faces(encode_portrait_crop(crop_240), enrolled).score:.3f}")

    import face_recognition

    def baseline():
        image = face_recognition.load_image_file(io.BytesIO(live_full))
        return face_recognition.face_encodings(image)[0]

    p50, p95 = measure(baseline, max(5, args.runs // 3))
    print(f"baseline face_recognition on the full image (no downscale): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    p50, p95 = measure(lambda: capture_face(live_480), args.runs)
    print(f"full capture with quality checks and DG2 portrait, 480p: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
