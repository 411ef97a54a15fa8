"""Benchmark: full eMRTD read (BAC, EF.COM, DG1, ~15 KB DG2, EF.SOD, passive authentication) over PC/SC and in process.

Needs pcscd with vsmartcard-vpcd (`pcscd -f &`). The card is `python -m mrtd chip` in its own process.
Run: .venv/bin/python bench/bench_chip_read.py [--reads 20] [--port 35963]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from core.testdata import TESTDATA  # noqa: E402

from mrtd.chip import VirtualChip  # noqa: E402
from mrtd.lds import write_lds_dir  # noqa: E402
from mrtd.mrz import generate_td3  # noqa: E402
from mrtd.personalize import personalize  # noqa: E402
from mrtd.pki import init_test_pki  # noqa: E402
from mrtd.reader import read_chip  # noqa: E402

FACE = TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg"  # 15,000 bytes of JPEG 2000
READERS = {35963: "Virtual PCD 00 00", 35964: "Virtual PCD 00 01"}
MRZ = generate_td3(issuing_state="PER", primary_identifier="QUISPE MAMANI", secondary_identifier="ROSA",
                   document_number="PE0012345", nationality="PER", birth_date="900101", sex="F",
                   expiry_date="300101")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed_reads(count: int, read) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        result = read()
        times.append(time.perf_counter() - started)
        if not result.pa.valid:
            raise SystemExit(f"PA failed: {result.pa.to_dict()}")
    return times


def line(label: str, times: list[float]) -> str:
    return (f"{label}: p50 {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 95) * 1000:.0f} ms, "
            f"min {min(times) * 1000:.0f} ms over {len(times)} reads")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reads", type=int, default=20)
    ap.add_argument("--port", type=int, default=35963, choices=sorted(READERS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pki = init_test_pki(Path(tmp) / "pki")
        files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki)
        write_lds_dir(Path(tmp) / "lds", files)
        sizes = ", ".join(f"{name} {len(data):,} B" for name, data in files.items())
        print(f"LDS: {sizes}")
        csca = [pki.csca_cert_der]

        chip = VirtualChip(files)
        in_process = timed_reads(args.reads, lambda: read_chip(mrz_lines=MRZ, transport=chip, csca_certs=csca))
        print(f"APDUs per read: {chip.apdu_count // args.reads}")

        card = subprocess.Popen([sys.executable, "-m", "mrtd", "chip", "--lds", str(Path(tmp) / "lds"),
                                 "--port", str(args.port)], cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            time.sleep(1.0)  # interpreter start plus the 0.3 s pcscd needs to see the card
            reader = READERS[args.port]
            pcsc = timed_reads(args.reads, lambda: read_chip(mrz_lines=MRZ, reader_name=reader, csca_certs=csca))
        finally:
            card.terminate()
            card.wait(5)
    print(line(f"PC/SC ({reader}, card in its own process)", pcsc))
    print(line("in process (VirtualChip.transmit)", in_process))


if __name__ == "__main__":
    main()
