"""Benchmark: passive authentication alone (ECDSA P-256 and RSA DS) against its parts in the same run.

Run: .venv/bin/python bench/bench_pa.py [--runs 300]
Baselines: decoding the SOD alone, and hashing the data groups alone, on the same passport.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from migraciones.testdata import TESTDATA  # noqa: E402

from mrtd.lds import decode_sod, hash_bytes  # noqa: E402
from mrtd.pa import passive_authentication  # noqa: E402
from mrtd.personalize import personalize  # noqa: E402
from mrtd.pki import init_test_pki  # noqa: E402

MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]
# A DG2 of about 15 KB, as in the chip-read benchmark.
FACE = TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg"


def timings(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds over ``runs`` calls, after a few warm-up calls."""
    for _ in range(5):
        function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    runs = parser.parse_args().runs
    print(f"passive authentication, {runs} runs each, DG1 + DG2 ({FACE.stat().st_size} B face), p50 / p95 ms")
    for algorithm in ("ec", "rsa"):
        with tempfile.TemporaryDirectory() as directory:
            pki = init_test_pki(directory, ds_algorithm=algorithm)
        files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki)
        groups = {1: files["DG1"], 2: files["DG2"]}

        def full() -> None:
            report = passive_authentication(sod=files["EF_SOD"], data_groups=groups, csca_certs=[pki.csca_cert_der],
                                            crls=[pki.crl_der], printed_mrz=MRZ)
            assert report.valid

        cases = {
            "full PA (chain, CRL, signature, hashes, MRZ)": full,
            "baseline: decode SOD only": lambda: decode_sod(files["EF_SOD"]),
            "baseline: hash DG1+DG2 only": lambda: [hash_bytes("sha256", data) for data in groups.values()],
        }
        for label, function in cases.items():
            p50, p95 = timings(function, runs)
            print(f"  DS {algorithm:3}  {label:46} {p50:7.3f} / {p95:7.3f}")


if __name__ == "__main__":
    main()
