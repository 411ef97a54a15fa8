"""Benchmark: mrtd.mrz against the PyPI `mrz` package (0.6.2) on the same MRZ cases, speed and correctness.

Run: .venv/bin/python bench/bench_mrz.py [--generated 600] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mrtd.mrz import generate_td1, generate_td2, generate_td3, parse_mrz  # noqa: E402

TODAY = date(2026, 6, 1)


@dataclass(frozen=True)
class Case:
    name: str
    lines: list[str]
    valid: bool
    document_number: str


_N = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
ICAO_CASES = [
    Case("TD3 specimen", [_N, "L898902C36UTO7408122F1204159ZE184226B<<<<<10"], True, "L898902C3"),
    Case("TD3 older edition", [_N, "L898902C<3UTO6908061F9406236ZE184226B<<<<<14"], True, "L898902C"),
    Case("TD1 specimen", ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                          "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"], True, "D23145890"),
    Case("TD1 long number", ["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2",
                             "STEVENSON<<PETER<JOHN<<<<<<<<<"], True, "D23145890734"),
    Case("TD2 specimen", ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"],
         True, "D23145890"),
    Case("Germany D<<", ["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
                         "C11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6"], True, "C11T002JM"),
    Case("Peru DNI", ["I<PER70275722<2<<<<<<<<<<<<<<<", "8906120M2107165PER<<<<<<<<<<<8",
                      "CARDENAS<<JORGE<ANTHONY<<<<<<<"], True, "70275722"),
    Case("altered birth check digit", [_N, "L898902C<3UTO6908069F9406236ZE184226B<<<<<14"], False, "L898902C"),
]


def generated_cases(count: int, seed: int = 9303) -> list[Case]:
    """Valid TD1/TD2/TD3 (a fifth of the cards with long numbers) and as many with one digit altered."""
    rng = random.Random(seed)
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    out: list[Case] = []
    for i in range(count):
        kind = ("TD1", "TD2", "TD3")[i % 3]
        length = 9 if kind == "TD3" or rng.random() > 0.2 else rng.randint(10, 12)
        number = "".join(rng.choice(alnum) for _ in range(length))
        birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 30000))
        expiry = max(TODAY + timedelta(days=rng.randint(-3000, 3600)), birth + timedelta(days=3653))
        generator = {"TD1": generate_td1, "TD2": generate_td2, "TD3": generate_td3}[kind]
        lines = generator(issuing_state="PER", nationality=rng.choice(["PER", "COL", "VEN", "D", "XXA"]),
                          primary_identifier=rng.choice(["QUISPE", "GARCIA LOPEZ", "NUNEZ"]),
                          secondary_identifier=rng.choice(["ROSA", "JUAN CARLOS"]), document_number=number,
                          birth_date=birth, sex=rng.choice("MF"), expiry_date=expiry)
        out.append(Case(f"{kind} generated", lines, True, number))
        # Alter one digit of the birth date: the birth and composite check digits must then fail.
        line_i, pos = {"TD1": (1, 2), "TD2": (1, 15), "TD3": (1, 15)}[kind]
        row = lines[line_i]
        altered = row[:pos] + str((int(row[pos]) + 1) % 10) + row[pos + 1:]
        bad = list(lines)
        bad[line_i] = altered
        out.append(Case(f"{kind} altered", bad, False, number))
    return out


def ours(case: Case) -> tuple[bool, str]:
    result = parse_mrz(case.lines, today=TODAY)
    return result.valid, result.fields.document_number


def _pypi_checkers() -> dict[tuple[int, int], Callable]:
    from mrz.checker.td1 import TD1CodeChecker
    from mrz.checker.td2 import TD2CodeChecker
    from mrz.checker.td3 import TD3CodeChecker
    return {(3, 30): TD1CodeChecker, (2, 36): TD2CodeChecker, (2, 44): TD3CodeChecker}


_CHECKERS: dict[tuple[int, int], Callable] = {}


def pypi_mrz(case: Case) -> tuple[bool, str]:
    if not _CHECKERS:
        _CHECKERS.update(_pypi_checkers())
    checker = _CHECKERS[(len(case.lines), len(case.lines[0]))]("\n".join(case.lines))
    return bool(checker), checker.fields().document_number


def correct(parser: Callable[[Case], tuple[bool, str]], case: Case) -> bool:
    try:
        valid, number = parser(case)
    except Exception:  # the baseline raises on some inputs: that counts as a wrong answer
        return False
    return valid == case.valid and (not case.valid or number == case.document_number)


def rate(parser: Callable[[Case], tuple[bool, str]], cases: list[Case], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for case in cases:
            try:
                parser(case)
            except Exception:  # timed the same way whether it answers or raises
                pass
        best = min(best, time.perf_counter() - started)
    return len(cases) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--generated", type=int, default=600, help="generated valid MRZs (plus as many altered)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    generated = generated_cases(args.generated)
    print("ICAO9303.md cases (correct = validity verdict and document number):")
    print(f"  {'case':28} {'mrtd.mrz':>9} {'mrz 0.6.2':>10}")
    for case in ICAO_CASES:
        print(f"  {case.name:28} {'ok' if correct(ours, case) else 'WRONG':>9} "
              f"{'ok' if correct(pypi_mrz, case) else 'WRONG':>10}")
    for label, cases in (("ICAO", ICAO_CASES), ("generated", generated)):
        for name, parser in (("mrtd.mrz", ours), ("mrz 0.6.2", pypi_mrz)):
            right = sum(correct(parser, c) for c in cases)
            wrong_kinds = sorted({c.name for c in cases if not correct(parser, c)})
            print(f"{label:9} {name:9}: {right}/{len(cases)} correct, {rate(parser, cases, args.rounds):,.0f} parses/s"
                  + (f"; wrong on: {', '.join(wrong_kinds)}" if wrong_kinds else ""))
    long_cards = [c for c in generated if c.valid and len(c.document_number) > 9]
    for name, parser in (("mrtd.mrz", ours), ("mrz 0.6.2", pypi_mrz)):
        print(f"long document numbers ({len(long_cards)} cards) {name}: "
              f"{sum(correct(parser, c) for c in long_cards)} correct")


if __name__ == "__main__":
    main()
