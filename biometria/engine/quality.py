"""Quality reports: each check with its value, its limit and whether it passed."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class QualityCheck:
    """One check. `blocking` checks refuse a capture; the others only warn the officer."""

    name: str
    label: str
    value: float
    limit: str
    passed: bool
    blocking: bool = True


@dataclass(frozen=True)
class QualityReport:
    checks: tuple[QualityCheck, ...] = field(default_factory=tuple)

    @property
    def acceptable(self) -> bool:
        """True when no blocking check failed (advisory ones may still warn)."""
        return all(check.passed or not check.blocking for check in self.checks)

    @property
    def failed(self) -> tuple[QualityCheck, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def as_dict(self) -> dict[str, Any]:
        return {"acceptable": self.acceptable, "checks": [asdict(check) for check in self.checks]}


def at_least(name: str, label: str, value: float, minimum: float, *, blocking: bool = True) -> QualityCheck:
    return QualityCheck(name, label, round(float(value), 3), f">= {minimum:g}", value >= minimum, blocking)


def at_most(name: str, label: str, value: float, maximum: float, *, blocking: bool = True) -> QualityCheck:
    return QualityCheck(name, label, round(float(value), 3), f"<= {maximum:g}", value <= maximum, blocking)


def between(name: str, label: str, value: float, low: float, high: float, *, blocking: bool = True) -> QualityCheck:
    return QualityCheck(name, label, round(float(value), 3), f"{low:g}-{high:g}", low <= value <= high, blocking)
