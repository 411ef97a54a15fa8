"""Data exchanged with Interpol: SLTD (stolen and lost travel documents) and notices."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SLTD_STOLEN = "STOLEN"
SLTD_LOST = "LOST"


@dataclass(frozen=True)
class SltdResult:
    document_number: str
    country: str
    hit: bool
    status: str | None = None  # STOLEN | LOST | REVOKED ... when hit
    reported_at: dt.date | None = None


@dataclass(frozen=True)
class Notice:
    notice_id: str
    notice_type: str  # RED, YELLOW, BLUE ...
    name: str
    birth_date: dt.date | None
    nationality: str
    charges: str
    published_at: dt.date
