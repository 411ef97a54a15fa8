"""The result of one check at control, before it is stored: PASS, FAIL, ERROR or SKIPPED with a reason
(a code and its parameters, shown in the reader's language; the Spanish text is kept with the record)."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PASS, FAIL, ERROR, SKIPPED = "PASS", "FAIL", "ERROR", "SKIPPED"


@dataclass
class CheckOutcome:
    name: str
    result: str
    reason: str
    required: bool = True
    ms: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        """A required check that did not pass refers the traveller; a skipped optional one does not."""
        return self.required and self.result != PASS

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "result": self.result, "reason": self.reason, "required": self.required,
                "ms": self.ms}


def outcome(name: str, result: str, code: str, *, required: bool = True, details: dict[str, Any] | None = None,
            **params: Any) -> CheckOutcome:
    """An outcome whose reason is `code` with `params` (control/reasons.py); its stored text is Spanish."""
    from .reasons import render_spanish

    return CheckOutcome(name, result, render_spanish(code, params), required=required, details=details or {},
                        code=code, params=params)


def timed(call: Callable[[], CheckOutcome]) -> CheckOutcome:
    """Run a check and stamp it with the milliseconds it took."""
    started = time.perf_counter()
    outcome = call()
    outcome.ms = round((time.perf_counter() - started) * 1000)
    return outcome
