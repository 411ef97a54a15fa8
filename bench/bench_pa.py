"""Benchmark: passive authentication alone (ECDSA P-256 and RSA DS) against its parts in the same run.

Run: .venv/bin/python bench/bench_pa.py [--runs 300]
Baselines: decoding the SOD alone, and hashing the data groups alone, on the same passport.
Then real passports: Austria's SOD (DS brainpoolP256r1 with explicit parameters) against the German
master list, and the BSI 2008 passport (brainpoolP224r1, verified in Python as cryptography lacks it).
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
from core.testdata import TESTDATA  # noqa: E402

from datetime import datetime, timezone  # noqa: E402

from mrtd.lds import decode_sod, hash_bytes, read_lds_dir  # noqa: E402
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
    real_passports(runs)


def real_passports(runs: int) -> None:
    master_list = (TESTDATA / "emrtd/masterlists/DE_ML_2026-05-28-08-28-45.ml").read_bytes()
    austria = (Path(__file__).resolve().parents[1] / "mrtd/tests/data/aut/EF_SOD.bin").read_bytes()
    bsi = read_lds_dir(TESTDATA / "emrtd/bsi2008")
    bsi_groups = {n: bsi[f"DG{n}"] for n in (1, 2, 3, 14)}

    def austrian() -> None:
        report = passive_authentication(sod=austria, data_groups={}, master_list=master_list,
                                        now=datetime(2024, 6, 1, tzinfo=timezone.utc))
        assert report.check("signature").passed and report.check("csca_chain").passed

    def german_2008() -> None:
        report = passive_authentication(sod=bsi["EF_SOD"], data_groups=bsi_groups, master_list=master_list,
                                        now=datetime(2008, 6, 1, tzinfo=timezone.utc))
        assert report.check("signature").passed

    for label, function in {"AT, explicit brainpoolP256r1, DE master list": austrian,
                            "DE BSI 2008, brainpoolP224r1 in Python, 4 DGs": german_2008}.items():
        p50, p95 = timings(function, runs)
        print(f"  real    {label:46} {p50:7.3f} / {p95:7.3f}")


if __name__ == "__main__":
    main()
