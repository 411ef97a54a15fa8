"""Each year's non-working days, read once and kept in process memory under a generation token.

The token lives in Django's cache (Redis at scale), so every process sees a change: whatever writes
calendar rows (calendario_load, the admin) calls `calendar_changed()`, which draws a new token now and
again after commit (a reader during the writing transaction may have kept the old rows). A call of
the services costs one cache read; the rows are read from the database once per year and token.
Without a reachable cache the rows are read from the database on every call (correct, slower).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from .errors import CalendarYearNotLoaded
from .models import CalendarYear, NonWorkingDay

logger = logging.getLogger(__name__)

GENERATION_KEY = "calendario:generation"
_lock = threading.Lock()
_memory: dict[str, object] = {"generation": None, "years": {}}


@dataclass(frozen=True)
class YearDays:
    """One loaded year: the days closed everywhere (national, public sector) and those of each region."""

    year: int
    closed: frozenset[dt.date]
    regional: dict[str, frozenset[dt.date]] = field(default_factory=dict)

    def is_closed(self, day: dt.date, region: str | None) -> bool:
        if day in self.closed:
            return True
        return region is not None and day in self.regional.get(region, frozenset())


class CalendarView:
    """The calendar as one service call sees it: one generation, years fetched as the count reaches them."""

    def __init__(self) -> None:
        self.generation = _current_generation()
        self._years: dict[int, YearDays] = {}

    def year(self, year: int) -> YearDays:
        days = self._years.get(year)
        if days is None:
            days = self._years[year] = _year_days(year, self.generation)
        return days


def calendar_changed() -> None:
    """Calendar rows changed: every process drops what it kept, now and once the change is committed."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    with _lock:
        _memory["generation"], _memory["years"] = None, {}
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache is down: nothing is kept while it is (see _current_generation)
        logger.warning("calendario: cache unreachable, calendar change not broadcast")


def _current_generation() -> str | None:
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # first use, a flushed or evicted cache: every process starts afresh
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(GENERATION_KEY)
        return generation
    except Exception:
        logger.warning("calendario: cache unreachable, reading the calendar from the database")
        return None


def _year_days(year: int, generation: str | None) -> YearDays:
    if generation is not None:
        with _lock:
            if _memory["generation"] == generation and year in _memory["years"]:
                return _memory["years"][year]
    days = _read_year(year)
    if generation is not None:
        with _lock:
            if _memory["generation"] != generation:
                _memory["generation"], _memory["years"] = generation, {}
            _memory["years"][year] = days
    return days


def _read_year(year: int) -> YearDays:
    if not CalendarYear.objects.filter(year=year).exists():
        raise CalendarYearNotLoaded(year)
    closed: set[dt.date] = set()
    regional: dict[str, set[dt.date]] = {}
    for day, scope, region in NonWorkingDay.objects.filter(date__year=year).values_list("date", "scope", "region"):
        if scope == NonWorkingDay.Scope.REGIONAL:
            regional.setdefault(region, set()).add(day)
        else:
            closed.add(day)
    return YearDays(year=year, closed=frozenset(closed),
                    regional={region: frozenset(days) for region, days in regional.items()})
