"""The DNI verification digit (the character printed after the number: "70275722 - 9")."""
from __future__ import annotations

import re

from stdnum.pe import cui

DNI_RE = re.compile(r"\d{8}")


def verification_characters(dni: str) -> tuple[str, str]:
    """(digit, letter) accepted for a DNI; stdnum gives both, e.g. "9C" for 70275722.

    The card prints the digit; older documents and some forms use the letter.
    """
    both = cui.calc_check_digits(dni)
    return both[0], both[1]


def verification_digit(dni: str) -> str:
    """The numeric verification digit printed on the card."""
    return verification_characters(dni)[0]


def matches_verification(dni: str, given: str) -> bool:
    return given.strip().upper() in verification_characters(dni)
