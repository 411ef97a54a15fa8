"""Benchmark: one face encoding at control (HOG detection + dlib ResNet), per dlib build and BLAS kernels.

Run: .venv/bin/python bench/bench_face_encoding.py [--runs 60] [--python OTHER_VENV/bin/python ...]
Measures, on one core (OPENBLAS_NUM_THREADS=1, as in the face processes), the gate's inputs: a 240 px
live crop and a chip portrait (480x360). Each configuration runs in its own subprocess, in turn, in
the same run: this venv's dlib with the OpenBLAS kernels chosen by migraciones/cpu.py, the same dlib
forced to OpenBLAS's generic "Prescott" kernels (what Debian's OpenBLAS picks on this CPU by itself),
and any other interpreter given with --python (e.g. a venv with the dlib-bin wheel, built without BLAS).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from PIL import Image
import dlib, face_recognition
from control import face_worker
runs = int(sys.argv[2])
out = {"dlib_blas": bool(dlib.DLIB_USE_BLAS)}
for name in ("live", "portrait"):
    px = np.asarray(Image.open(sys.argv[3 if name == "live" else 4]).convert("RGB"))
    face_worker.encode(px)
    detect, encode = [], []
    for _ in range(runs):
        a = time.perf_counter(); boxes = face_worker.detect(px, upsample=0, max_side=240)
        b = time.perf_counter(); face_recognition.face_encodings(px, boxes, num_jitters=1, model="small")
        c = time.perf_counter(); detect.append(b - a); encode.append(c - b)
    out[name] = {"detect_p50_ms": round(1000 * float(np.median(detect)), 1),
                 "encode_p50_ms": round(1000 * float(np.median(encode)), 1),
                 "encode_min_ms": round(1000 * min(encode), 1),
                 "encode_p95_ms": round(1000 * float(np.percentile(encode, 95)), 1)}
print(json.dumps(out))
"""


def inputs(directory: Path) -> tuple[Path, Path]:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    import bench_control_verify as control_bench

    live, portrait = directory / "live240.jpg", directory / "portrait.jpg"
    live.write_bytes(control_bench.live_face_240p())
    portrait.write_bytes(control_bench.portrait_variants(1)[0])
    return live, portrait


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--python", action="append", default=[], help="another interpreter to compare")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migraciones.settings")
    from migraciones.cpu import configure_blas

    chosen = configure_blas()
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        live, portrait = inputs(Path(directory))
        configs = [(f"this venv, OpenBLAS kernels {chosen or '(its own choice)'}", sys.executable,
                    {"OPENBLAS_CORETYPE": chosen} if chosen else {}),
                   ("this venv, OpenBLAS generic kernels (Prescott)", sys.executable,
                    {"OPENBLAS_CORETYPE": "Prescott"})]
        configs += [(f"{python}", python, {}) for python in args.python]
        for label, python, extra in configs:
            env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", **extra)
            if not extra:  # OpenBLAS chooses its kernels itself
                env.pop("OPENBLAS_CORETYPE", None)
            done = subprocess.run([python, "-c", CHILD, str(ROOT), str(args.runs), str(live), str(portrait)],
                                  env=env, capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                print(json.dumps({"config": label, "error": done.stderr.strip().splitlines()[-1:]}))
                continue
            print(json.dumps({"config": label, **json.loads(done.stdout.strip().splitlines()[-1])}))


if __name__ == "__main__":
    main()
