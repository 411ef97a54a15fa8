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

from .outcomes import ERROR, FAIL, PASS, CheckOutcome

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
            return CheckOutcome(name, ERROR, f"sin respuesta en {budget_s():g} s",
                                ms=round((time.monotonic() - self.started) * 1000))
        outcome = future.result()
        return outcome


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
        outcome = call()
    except ServiceUnavailable as exc:
        # Named after the budget the traveller waited for, not the socket timeout just under it.
        text = f"sin respuesta en {budget_s():g} s" if exc.reason == "timeout" else exc.message
        outcome = CheckOutcome(name, ERROR, f"{exc.service}: {text}")
    except IntegrationError as exc:
        outcome = CheckOutcome(name, ERROR, f"{exc.service}: {exc.message}")
    outcome.ms = round((time.perf_counter() - started) * 1000)
    return outcome


def _pnp(client: PnpClient, subject: Subject) -> CheckOutcome:
    result = client.check_person(subject.dni, names=subject.full_name or None, birth_date=subject.birth_date)
    found = [f"requisitoria {r.number} ({r.court}: {r.crime})" for r in result.requisitorias]
    bans = [f"impedimento de salida {i.number} ({i.authority})" for i in result.impedimentos]
    if subject.direction == "EXIT":
        found += bans
    if found:
        return CheckOutcome("alerts_pnp", FAIL, "PNP: " + "; ".join(found), details={"hits": found})
    note = " (impedimento de salida sin efecto al ingresar)" if bans else ""
    return CheckOutcome("alerts_pnp", PASS, "PNP: sin requisitorias ni impedimentos" + note)


def _sltd(client: InterpolClient, subject: Subject) -> CheckOutcome:
    result = client.check_sltd(subject.document_number, subject.issuing_state)
    if result.hit:
        return CheckOutcome("alerts_interpol_sltd", FAIL,
                            f"Interpol SLTD: documento reportado {result.status or ''}".strip())
    return CheckOutcome("alerts_interpol_sltd", PASS, "Interpol SLTD: documento sin reporte")


def _notices(client: InterpolClient, subject: Subject) -> CheckOutcome:
    if not subject.full_name:
        return CheckOutcome("alerts_interpol_notices", PASS, "Interpol: sin nombre que buscar")
    notices = client.search_notices(subject.full_name, subject.birth_date)
    if notices:
        text = "; ".join(f"notificación {n.notice_type} {n.notice_id}" for n in notices)
        return CheckOutcome("alerts_interpol_notices", FAIL, f"Interpol: {text}")
    return CheckOutcome("alerts_interpol_notices", PASS, "Interpol: sin notificaciones")


def rim_alerts(subject: Subject) -> CheckOutcome:
    """Alerts registered in the RIM (judicial, Alianza del Pacífico, MIGRACIONES, and copies of PNP/Interpol)."""
    alerts = active_alerts_for(document_number=subject.document_number, issuing_state=subject.issuing_state,
                               search_name=subject.full_name, birth_date=subject.birth_date)
    if subject.direction != "EXIT":
        # An exit ban does not stop anyone from coming home.
        alerts = [a for a in alerts if a.kind != Alert.Kind.IMPEDIMENTO_SALIDA]
    if alerts:
        text = "; ".join(f"{a.get_source_display()}: {a.get_kind_display()} ({a.reason[:80]})" for a in alerts)
        return CheckOutcome("alerts_rim", FAIL, f"Alertas en el RIM: {text}", details={"alert_ids": [a.pk for a in alerts]})
    return CheckOutcome("alerts_rim", PASS, "Sin alertas judiciales, de la Alianza del Pacífico ni de MIGRACIONES")
