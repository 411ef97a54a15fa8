"""Documents issued when a crossing is admitted (the TAM), registered by apps above control.

control sits below tam on the import ladder, so it never imports tam: tam registers its issuer
here from its AppConfig.ready(). Kept free of heavy imports so app loading stays fast.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

# issuer(crossing, actor) -> fields for the answer (e.g. {"tam_number": ...}); runs in the crossing's transaction.
CrossingIssuer = Callable[[Any, Any], dict[str, str]]
_issuers: list[CrossingIssuer] = []


def issuer_register(issuer: CrossingIssuer) -> None:
    if issuer not in _issuers:
        _issuers.append(issuer)


def issuers() -> tuple[CrossingIssuer, ...]:
    return tuple(_issuers)
