"""Data exchanged with RENIEC: a citizen's record and the result of checking a DNI."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STATUS_ACTIVE = "ACTIVO"
STATUS_DECEASED = "FALLECIDO"


@dataclass(frozen=True)
class Citizen:
    dni: str
    verification_digit: str
    given_names: str
    first_surname: str
    second_surname: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    address: str
    ubigeo: str
    issue_date: dt.date
    photo_jpeg: bytes | None = field(default=None, repr=False)
    status: str = STATUS_ACTIVE

    @property
    def full_name(self) -> str:
        surnames = " ".join(s for s in (self.first_surname, self.second_surname) if s)
        return f"{surnames} {self.given_names}".strip()


@dataclass(frozen=True)
class DniCheck:
    """Whether a DNI, its verification digit and issue date match RENIEC's record.

    ``field_errors`` maps the field that does not match to a message in Spanish.
    """

    valid: bool
    field_errors: dict[str, str] = field(default_factory=dict)
