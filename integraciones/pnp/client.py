"""PNP client: does the police report a requisitoria or an impedimento de salida for a person?"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from integraciones.http import DEFAULT_TIMEOUT_S, CircuitBreaker, HttpClient
from integraciones.parsing import Fields
from integraciones.pnp.types import Impedimento, PnpResult, Requisitoria

SERVICE = "pnp"


class PnpClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        retries: int = 2,
        *,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.http = HttpClient(SERVICE, base_url, timeout=timeout, retries=retries, breaker=breaker)

    def check_person(
        self, dni: str | None = None, *, names: str | None = None, birth_date: dt.date | None = None
    ) -> PnpResult:
        """Alerts by DNI, or by names (and birth date) for people without a DNI."""
        if dni is None and not names:
            raise ValueError("check_person needs a dni or names")
        payload: dict[str, Any] = {"dni": dni, "names": names}
        payload["birth_date"] = birth_date.isoformat() if birth_date else None
        data = self.http.post("check", json=payload, idempotency_key=str(uuid.uuid4()))
        fields = Fields(SERVICE, data)
        return PnpResult(
            requisitorias=[_requisitoria(Fields(SERVICE, item)) for item in fields.items("requisitorias")],
            impedimentos=[_impedimento(Fields(SERVICE, item)) for item in fields.items("impedimentos")],
            checked_at=fields.datetime("checked_at"),
        )


def _requisitoria(fields: Fields) -> Requisitoria:
    return Requisitoria(
        number=fields.text("number"),
        court=fields.text("court"),
        crime=fields.text("crime"),
        issued_at=fields.date("issued_at"),
        status=fields.text("status"),
    )


def _impedimento(fields: Fields) -> Impedimento:
    return Impedimento(
        number=fields.text("number"),
        authority=fields.text("authority"),
        reason=fields.text("reason"),
        issued_at=fields.date("issued_at"),
        valid_until=fields.opt_date("valid_until"),
    )


def get_client() -> PnpClient:
    """The client configured by Django settings (PNP_URL, INTEGRATIONS_TIMEOUT/RETRIES)."""
    from django.conf import settings

    return PnpClient(settings.PNP_URL, settings.INTEGRATIONS_TIMEOUT, settings.INTEGRATIONS_RETRIES)
