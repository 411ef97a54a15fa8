"""Business days for every service's deadlines (TUO of Ley 27444), and loading a year's calendar.

A business day (día hábil) is a weekday that is not a national holiday nor a public-sector
non-working day and, when a region is given (its two-digit UBIGEO code, e.g. "16" Loreto), not a
holiday of that region. `region=None` (or "") counts national and public-sector days only.
Every function takes and returns `datetime.date` (pass `timezone.localdate(moment)` for a moment:
a UTC datetime's date is the wrong day in Lima after 19:00). A year whose calendar is not loaded
raises `CalendarYearNotLoaded` (HTTP 503) rather than counting its weekdays as working.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from core.actor import Actor, actor_name
from core.errors import ValidationFailed

from .audit_actions import AuditAction
from .cache import CalendarView, calendar_changed
from .loader import SyncResult, YearFile, sync_year
from .models import CalendarYear, NonWorkingDay
from .regions import Region

ONE_DAY = dt.timedelta(days=1)


class _Counter:
    """Business days as one call counts them: one calendar view, one region."""

    def __init__(self, region: str | None):
        if region == "":
            region = None
        if region is not None and region not in Region.values:
            raise ValidationFailed(_("Región desconocida: use el código UBIGEO de dos dígitos (p. ej. «16» Loreto)."),
                                   fields={"region": _("Región desconocida.")})
        self.region = region
        self.view = CalendarView()

    def is_business_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5:
            # Weekends are never business days, but a weekend of an unloaded year is still refused:
            # the count must not run through a year nobody loaded.
            self.view.year(day.year)
            return False
        return not self.view.year(day.year).is_closed(day, self.region)

    def next_after(self, day: dt.date) -> dt.date:
        day += ONE_DAY
        while not self.is_business_day(day):
            day += ONE_DAY
        return day


def _date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date (for a moment use timezone.localdate(moment)), "
                        f"not {type(value).__name__}")
    return value


def _count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationFailed(_("El número de días debe ser un entero mayor o igual que %(min)s.") % {"min": minimum},
                               fields={name: _("Se espera un entero ≥ %(min)s.") % {"min": minimum}})
    return value


def is_business_day(day: dt.date, *, region: str | None = None) -> bool:
    """False on weekends, national holidays, public-sector non-working days and the region's holidays."""
    return _Counter(region).is_business_day(_date(day, "day"))


def roll_forward(day: dt.date, *, region: str | None = None) -> dt.date:
    """The day itself if it is a business day, else the next one: a deadline ending on a non-working
    day moves to the next business day."""
    counter, day = _Counter(region), _date(day, "day")
    return day if counter.is_business_day(day) else counter.next_after(day)


def add_business_days(day: dt.date, n: int, *, region: str | None = None) -> dt.date:
    """The n-th business day after `day` (n >= 1): the count starts the business day after `day`,
    which itself never counts, whatever it is."""
    counter, day, n = _Counter(region), _date(day, "day"), _count(n, "n", 1)
    for _step in range(n):
        day = counter.next_after(day)
    return day


def business_days_between(start: dt.date, end: dt.date, *, region: str | None = None) -> int:
    """How many business days d there are with start < d <= end (0 when end <= start), so that
    business_days_between(x, add_business_days(x, n)) == n."""
    counter, day, end = _Counter(region), _date(start, "start"), _date(end, "end")
    count = 0
    while day < end:
        day += ONE_DAY
        count += counter.is_business_day(day)
    return count


def deadline_after_notification(notified_on: dt.date, business_days: int, *, region: str | None = None) -> dt.date:
    """The last day to act on a notice notified on `notified_on` with a term of N business days.

    The procedure-law rule (TUO of Ley 27444, DS 004-2019-JUS, on the counting of terms): a term in
    days counts business days from the business day after notification, leaving out weekends,
    national and regional holidays and the service's non-working days; its last day is then always a
    business day. Same as add_business_days(notified_on, business_days).
    """
    return add_business_days(notified_on, _count(business_days, "business_days", 1), region=region)


def deadline_calendar_days(start: dt.date, days: int, *, region: str | None = None) -> dt.date:
    """start + `days` calendar days (days >= 0), moved to the next business day if that day is not one."""
    end = _date(start, "start") + dt.timedelta(days=_count(days, "days", 0))
    return roll_forward(end, region=region)


def next_business_days(start: dt.date, count: int, *, region: str | None = None) -> list[dt.date]:
    """The next `count` business days after `start` (not `start` itself), in order; [] for count 0."""
    counter, day = _Counter(region), _date(start, "start")
    found = []
    for _step in range(_count(count, "count", 0)):
        day = counter.next_after(day)
        found.append(day)
    return found


@transaction.atomic
def calendar_year_load(*, actor: Actor, year_file: YearFile) -> SyncResult:
    """Make the year's rows exactly those of its file (idempotent: the same file again changes nothing),
    audit what changed and let every process see the new calendar."""
    # Lock the year's marker and its days so two loads of one year do not interleave.
    CalendarYear.objects.select_for_update().filter(year=year_file.year).first()
    result = sync_year(year_file, day_model=NonWorkingDay, year_model=CalendarYear, loaded_by=actor_name(actor),
                       now=timezone.now(), lock=True)
    if result.changed:
        audit_record(actor=actor, action=AuditAction.CALENDAR_YEAR_LOAD,
                     obj=CalendarYear.objects.get(year=year_file.year),
                     details={"file": year_file.source_file, "created": result.created,
                              "updated": result.updated, "deleted": result.deleted})
        calendar_changed()
    return result
