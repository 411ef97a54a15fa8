"""Verification codes: 16 characters a person can read aloud and type from paper without mistakes.

The alphabet leaves out every character that looks like another on paper, in a phone's font or
read aloud: 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, G (beside 6), U (beside V). 21 symbols remain, so a code
carries 16 * log2(21) ≈ 70 bits: guessing a valid code is hopeless, and /verificar/ is throttled.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "34679ACEFHJKMNPRTVWXY"
LENGTH = 16
GROUP = 4
_SEPARATORS = re.compile(r"[\s\-_.·/]+")
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def code_new() -> str:
    """A fresh random code (secrets: unpredictable); uniqueness is the database's unique index."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalize(text: str) -> str | None:
    """The code as stored (upper case, no spaces or dashes), or None when it cannot be one."""
    code = _SEPARATORS.sub("", (text or "").strip()).upper()
    return code if _VALID.fullmatch(code) else None


def code_display(code: str) -> str:
    """"ABCD-EFGH-JKMN-PQRT": groups of four, as printed under the QR and shown on the page."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))
