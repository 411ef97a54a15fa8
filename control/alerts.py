"""Alert checks: the RIM's own alerts, PNP and Interpol, asked in parallel within one time budget.

A source that does not answer within the budget (2 s by default) gives an ERROR outcome, which
refers the traveller: an unreachable source never lets anyone through unchecked.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings

from integraciones.errors import IntegrationError, ServiceUnavailable
from integraciones.interpol.client import InterpolClient
from integraciones.pnp.client import PnpClient
from rim.models import Alert
from rim.selectors import active_alerts_for

from .outcomes import ERROR, FAIL, PASS, CheckOutcome, outcome
from .reasons import PARTS, TEXT, phrase, render_spanish

DEFAULT_BUDGET_S = 2.0
# Threads shared by every request: each verification uses three for at most the budget.
_pool = ThreadPoolExecutor(max_workers=24, thread_name_prefix="control-alerts")


@dataclass(frozen=True)
class Subject:
    """Who is checked: the document exactly, and the name with the birth date fuzzily."""

    document_number: str
    issuing_state: str
    full_name: str  # given names first, then surnames
    birth_date: dt.date | None
    dni: str | None
    direction: str


def budget_s() -> float:
    return float(getattr(settings, "CONTROL_ALERT_BUDGET_S", DEFAULT_BUDGET_S))


@dataclass
class PendingAlerts:
    """External look-ups under way; `collect` waits for them until the deadline."""

    started: float
    deadline: float
    futures: dict[str, Future]

    def collect(self) -> list[CheckOutcome]:
        wait(list(self.futures.values()), timeout=max(0.0, self.deadline - time.monotonic()))
        return [self._outcome(name, future) for name, future in self.futures.items()]

    def _outcome(self, name: str, future: Future) -> CheckOutcome:
        if not future.done():
            future.cancel()
            timed_out = outcome(name, ERROR, "alerts_timeout", seconds=f"{budget_s():g}")
            timed_out.ms = round((time.monotonic() - self.started) * 1000)
            return timed_out
        return future.result()


def start(subject: Subject) -> PendingAlerts:
    """Send the PNP and Interpol look-ups now, so they run while the other checks are made."""
    budget = budget_s()
    started = time.monotonic()
    # One attempt only: a retry could not finish within the budget anyway.
    timeout = max(0.1, budget - 0.05)
    pnp = PnpClient(settings.PNP_URL, timeout, 0)
    interpol = InterpolClient(settings.INTERPOL_URL, timeout, 0)
    calls: dict[str, Callable[[], CheckOutcome]] = {
        "alerts_pnp": lambda: _pnp(pnp, subject),
        "alerts_interpol_sltd": lambda: _sltd(interpol, subject),
        "alerts_interpol_notices": lambda: _notices(interpol, subject),
    }
    futures = {name: _pool.submit(_timed_call, name, call) for name, call in calls.items()}
    return PendingAlerts(started=started, deadline=started + budget, futures=futures)


def _timed_call(name: str, call: Callable[[], CheckOutcome]) -> CheckOutcome:
    started = time.perf_counter()
    try:
        result = call()
    except ServiceUnavailable as exc:
        # Named after the budget the traveller waited for, not the socket timeout just under it.
        result = (outcome(name, ERROR, "alerts_timeout", seconds=f"{budget_s():g}") if exc.reason == "timeout"
                  else outcome(name, ERROR, TEXT, text=f"{exc.service}: {exc.message}"))
    except IntegrationError as exc:
        result = outcome(name, ERROR, TEXT, text=f"{exc.service}: {exc.message}")
    result.ms = round((time.perf_counter() - started) * 1000)
    return result


def _pnp(client: PnpClient, subject: Subject) -> CheckOutcome:
    result = client.check_person(subject.dni, names=subject.full_name or None, birth_date=subject.birth_date)
    found = [phrase("alerts_pnp_requisitoria", number=r.number, court=r.court, crime=r.crime)
             for r in result.requisitorias]
    bans = [phrase("alerts_pnp_impedimento", number=i.number, authority=i.authority) for i in result.impedimentos]
    if subject.direction == "EXIT":
        found += bans
    if found:
        return outcome("alerts_pnp", FAIL, PARTS, parts=found,
                       details={"hits": [render_spanish(h["code"], h["params"]) for h in found]})
    return outcome("alerts_pnp", PASS, "alerts_pnp_clear_ban_on_entry" if bans else "alerts_pnp_clear")


def _sltd(client: InterpolClient, subject: Subject) -> CheckOutcome:
    result = client.check_sltd(subject.document_number, subject.issuing_state)
    if result.hit:
        if result.status:
            return outcome("alerts_interpol_sltd", FAIL, "alerts_sltd_hit", sltd_status=result.status)
        return outcome("alerts_interpol_sltd", FAIL, "alerts_sltd_reported")
    return outcome("alerts_interpol_sltd", PASS, "alerts_sltd_clear")


def _notices(client: InterpolClient, subject: Subject) -> CheckOutcome:
    if not subject.full_name:
        return outcome("alerts_interpol_notices", PASS, "alerts_notices_no_name")
    notices = client.search_notices(subject.full_name, subject.birth_date)
    if notices:
        return outcome("alerts_interpol_notices", FAIL, PARTS, parts=[
            phrase("alerts_notice", notice_type=n.notice_type, notice_id=n.notice_id) for n in notices])
    return outcome("alerts_interpol_notices", PASS, "alerts_notices_clear")


def rim_alerts(subject: Subject) -> CheckOutcome:
    """Alerts registered in the RIM (judicial, Alianza del Pacífico, MIGRACIONES, and copies of PNP/Interpol)."""
    alerts = active_alerts_for(document_number=subject.document_number, issuing_state=subject.issuing_state,
                               search_name=subject.full_name, birth_date=subject.birth_date)
    if subject.direction != "EXIT":
        # An exit ban does not stop anyone from coming home.
        alerts = [a for a in alerts if a.kind != Alert.Kind.IMPEDIMENTO_SALIDA]
    if alerts:
        items = [phrase("alerts_rim_item", alert_source=a.source, alert_kind=a.kind, text=a.reason[:80]) for a in alerts]
        return outcome("alerts_rim", FAIL, PARTS, parts=items,
                       details={"alert_ids": [a.pk for a in alerts]})
    return outcome("alerts_rim", PASS, "alerts_rim_clear")
