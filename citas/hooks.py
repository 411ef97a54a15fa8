"""What a service tells the appointments rail about the records it books citas for (registered at AppConfig.ready).

citas never imports a service app: a service registers, for its record kind (e.g. "pasaporte.application"),
`may_book(record_id)` (raise an ApplicationError to refuse) and `on_change(appointment, event, actor)` with event one
of EVENTS, called inside the booking's transaction (to move its own record or write its timeline).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EVENTS = ("booked", "rescheduled", "cancelled", "no_show", "attended")


@dataclass(frozen=True)
class RecordHooks:
    kind: str
    may_book: Callable[[int], None] | None = None
    on_change: Callable[[Any, str, Any], None] | None = None


_HOOKS: dict[str, RecordHooks] = {}


def record_kind_register(kind: str, *, may_book: Callable[[int], None] | None = None,
                         on_change: Callable[[Any, str, Any], None] | None = None) -> None:
    """Register (or replace, for autoreload) the callbacks of a record kind."""
    _HOOKS[kind] = RecordHooks(kind=kind, may_book=may_book, on_change=on_change)


def hooks_for(kind: str) -> RecordHooks:
    return _HOOKS.get(kind) or RecordHooks(kind=kind)


def may_book(kind: str, record_id: int) -> None:
    check = hooks_for(kind).may_book
    if check is not None:
        check(record_id)


def changed(appointment: Any, event: str, actor: Any) -> None:
    assert event in EVENTS
    callback = hooks_for(appointment.record_kind).on_change
    if callback is not None:
        callback(appointment, event, actor)
