"""Benchmark: passive authentication per second with a trust store of several hundred CSCAs.

Run: .venv/bin/python bench/bench_trust_store.py [--runs 500] [--cscas 300]
The store holds ``--cscas`` generated CSCAs (P-256, 30 countries, ten key rollovers each, so many
namesakes) plus the German and Dutch master lists of the shared test data. A passport (DG1 + a
15 KB DG2) signed under one of the generated CSCAs is authenticated again and again. Baselines in
the same run: the same document against its one CSCA, and against every anchor given as a plain
list of certificates (the way control passed them before the store).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from asn1crypto.x509 import Certificate  # noqa: E402
from core.testdata import TESTDATA  # noqa: E402
from mrtd.pa import passive_authentication  # noqa: E402
from mrtd.personalize import personalize  # noqa: E402
from mrtd.pki import TestPKI, issue_crl, issue_ds, make_csca  # noqa: E402
from mrtd.trust import TrustStore  # noqa: E402

MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]
FACE = TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg"
LISTS = ["DE_ML_2026-05-28-08-28-45.ml", "NL_ML_2026-07-22.ml"]
COUNTRIES = ["PE", "CL", "AR", "BO", "BR", "CO", "EC", "PY", "UY", "VE", "MX", "US", "CA", "ES", "FR",
             "IT", "PT", "GB", "IE", "NL", "BE", "CH", "AT", "PL", "SE", "NO", "FI", "JP", "KR", "AU"]
# The real lists' signers are valid on this day.
IMPORT_DAY = datetime(2026, 10, 1, tzinfo=timezone.utc)


def rate(function, runs: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, calls per second) over ``runs`` calls after a warm-up."""
    for _ in range(10):
        function()
    samples = []
    start_all = time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    elapsed = time.perf_counter() - start_all
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], runs / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--cscas", type=int, default=300)
    args = parser.parse_args()

    started = time.perf_counter()
    generated = [make_csca(country=COUNTRIES[i % len(COUNTRIES)]) for i in range(args.cscas)]
    made = time.perf_counter() - started
    store = TrustStore()
    started = time.perf_counter()
    for name in LISTS:
        store.import_file((TESTDATA / "emrtd/masterlists" / name).read_bytes(), source=name, now=IMPORT_DAY)
    lists_time = time.perf_counter() - started
    started = time.perf_counter()
    for der, _ in generated:
        store.import_file(der, source="generated.cer")
    loose_time = time.perf_counter() - started
    # A Peruvian CSCA from the middle of the generated ones (the MRZ says PER), one of many namesakes.
    csca_der, csca_key = generated[(len(generated) // 2) // len(COUNTRIES) * len(COUNTRIES)]
    store.add_crl(issue_crl(csca_cert_der=csca_der, csca_key=csca_key), source="generated.crl")
    print(f"store: {len(store)} CSCAs ({args.cscas} generated in {made:.1f} s, imported in {loose_time:.2f} s; "
          f"{len(store) - args.cscas} from {len(LISTS)} master lists, verified and imported in {lists_time:.2f} s), "
          f"{len(store.crls)} CRL")

    ds_der, ds_key = issue_ds(csca_cert_der=csca_der, csca_key=csca_key)
    pki = TestPKI(csca_der, csca_key, ds_der, ds_key, issue_crl(csca_cert_der=csca_der, csca_key=csca_key))
    files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki)
    groups = {1: files["DG1"], 2: files["DG2"]}
    every = [a.der for a in store.anchors.values()]

    def with_store() -> None:
        report = passive_authentication(sod=files["EF_SOD"], data_groups=groups, trust_store=store, printed_mrz=MRZ)
        assert report.valid and report.check("revocation").passed

    def one_csca() -> None:
        report = passive_authentication(sod=files["EF_SOD"], data_groups=groups, csca_certs=[csca_der],
                                        crls=[pki.crl_der], printed_mrz=MRZ)
        assert report.valid

    def plain_list() -> None:
        report = passive_authentication(sod=files["EF_SOD"], data_groups=groups, csca_certs=every,
                                        crls=[pki.crl_der], printed_mrz=MRZ)
        assert report.valid

    ds = Certificate.load(ds_der)
    print(f"passive authentication, DG1 + DG2 ({FACE.stat().st_size} B face), {args.runs} runs: "
          "p50 / p95 ms, documents per second")
    for label, function in (("trust store", with_store), ("baseline: the one CSCA only", one_csca),
                            (f"baseline: {len(every)} CSCAs as a plain list", plain_list),
                            ("issuer look-up in the store alone", lambda: store.issuers_of(ds))):
        p50, p95, per_second = rate(function, args.runs)
        print(f"  {label:44} {p50:7.3f} / {p95:7.3f}   {per_second:9.0f} /s")


if __name__ == "__main__":
    main()
