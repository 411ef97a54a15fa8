"""Data exchanged with the PNP: arrest warrants (requisitorias) and exit bans (impedimentos)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Requisitoria:
    """An arrest warrant issued by a court."""

    number: str
    court: str
    crime: str
    issued_at: dt.date
    status: str = "VIGENTE"


@dataclass(frozen=True)
class Impedimento:
    """An impedimento de salida: a court forbids the person to leave the country."""

    number: str
    authority: str
    reason: str
    issued_at: dt.date
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class PnpResult:
    requisitorias: list[Requisitoria] = field(default_factory=list)
    impedimentos: list[Impedimento] = field(default_factory=list)
    checked_at: dt.datetime | None = None

    @property
    def clear(self) -> bool:
        """True when the PNP reports nothing against the person."""
        return not self.requisitorias and not self.impedimentos
