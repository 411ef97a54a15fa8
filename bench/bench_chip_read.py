"""Benchmark: full eMRTD read (BAC, EF.COM, DG1, ~15 KB DG2, EF.SOD, passive authentication) over PC/SC and in process.

Needs pcscd with vsmartcard-vpcd (`pcscd -f &`). The card is `python -m mrtd chip` in its own process.
Run: .venv/bin/python bench/bench_chip_read.py [--reads 20] [--port 35963]

`--pace` (issue 14) compares, in the same run and both served by a card thread in this process, a
BAC-only chip (baseline) with a chip personalized as Peru's are (PACE-only, EF.CardAccess, Chip and
Active Authentication keys): a full read (EF.CardAccess, PACE, CA, EF.COM, DG1, the 15 KB DG2, DG14,
DG15, EF.SOD, passive authentication, Active Authentication); then the portal's side alone, AA and
CA verification.
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


def pace_compare(reads: int, port: int) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    from mrtd import aa, ca
    from mrtd.chip import start_vpcd_thread
    from mrtd.personalize import personalize_chip

    reader = READERS[port]
    with tempfile.TemporaryDirectory() as tmp:
        pki = init_test_pki(Path(tmp) / "pki")
        csca = [pki.csca_cert_der]
        bac_files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki)
        image = personalize_chip(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki, access="pace")
        challenge = bytes(8)

        def served(chip, read) -> list[float]:
            thread, stop = start_vpcd_thread(chip, port=port)
            try:
                time.sleep(1.0)  # pcscd sees the card
                read()  # the first read pays the card's insertion
                return timed_reads(reads, read)
            finally:
                stop.set()
                thread.join(3)

        bac = served(VirtualChip(bac_files), lambda: read_chip(mrz_lines=MRZ, reader_name=reader, csca_certs=csca))
        results = []

        def full():
            result = read_chip(mrz_lines=MRZ, reader_name=reader, csca_certs=csca, aa_challenge=challenge)
            results.append(result)
            return result

        pace = served(image.chip(), full)
        last = results[-1]
        assert last.access.startswith("PACE") and last.aa.verified and last.ca.verified, last.to_dict()
        print(line(f"BAC read over PC/SC ({reader}, baseline)", bac))
        print(line("PACE + CA + AA read over PC/SC (same card thread)", pace))
        # The portal's side: AA from DG15 and the chip's answer; CA's terminal computation.
        signature = aa.sign(image.aa_key, challenge)
        aa_times, ca_times = [], []
        for _ in range(200):
            started = time.perf_counter()
            assert aa.check(dg15=image.files["DG15"], challenge=challenge, signature=signature).verified
            aa_times.append(time.perf_counter() - started)
        ca_key = image.ca_key.public_key()
        for _ in range(200):
            started = time.perf_counter()
            ephemeral = ec.generate_private_key(ca_key.curve)
            ephemeral.exchange(ec.ECDH(), ca_key)
            ca_times.append(time.perf_counter() - started)
        print(f"AA verification (ECDSA P-256, from DG15): p50 {statistics.median(aa_times) * 1000:.2f} ms, "
              f"p95 {percentile(aa_times, 95) * 1000:.2f} ms over 200")
        print(f"CA key agreement (ECDH P-256, terminal side): p50 {statistics.median(ca_times) * 1000:.2f} ms, "
              f"p95 {percentile(ca_times, 95) * 1000:.2f} ms over 200")


if __name__ == "__main__":
    if "--pace" in sys.argv:
        args = argparse.ArgumentParser()
        args.add_argument("--pace", action="store_true")
        args.add_argument("--reads", type=int, default=20)
        args.add_argument("--port", type=int, default=35964, choices=sorted(READERS))
        opts = args.parse_args()
        pace_compare(opts.reads, opts.port)
    else:
        main()
