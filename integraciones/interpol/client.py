"""Interpol client: SLTD look-ups of travel documents and searches of notices by name."""
from __future__ import annotations

import datetime as dt
import uuid

from integraciones.http import DEFAULT_TIMEOUT_S, CircuitBreaker, HttpClient
from integraciones.interpol.types import Notice, SltdResult
from integraciones.parsing import Fields

SERVICE = "interpol"


class InterpolClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        retries: int = 2,
        *,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.http = HttpClient(SERVICE, base_url, timeout=timeout, retries=retries, breaker=breaker)

    def check_sltd(self, document_number: str, country: str) -> SltdResult:
        """Is this travel document reported stolen or lost? ``country`` is the ICAO code."""
        data = self.http.get("sltd", params={"document_number": document_number, "country": country})
        fields = Fields(SERVICE, data)
        return SltdResult(
            document_number=fields.text("document_number"),
            country=fields.text("country"),
            hit=fields.flag("hit"),
            status=fields.opt_text("status"),
            reported_at=fields.opt_date("reported_at"),
        )

    def search_notices(self, name: str, birth_date: dt.date | None = None) -> list[Notice]:
        payload = {"name": name, "birth_date": birth_date.isoformat() if birth_date else None}
        data = self.http.post("notices/search", json=payload, idempotency_key=str(uuid.uuid4()))
        return [_notice(Fields(SERVICE, item)) for item in Fields(SERVICE, data).items("notices")]


def _notice(fields: Fields) -> Notice:
    return Notice(
        notice_id=fields.text("notice_id"),
        notice_type=fields.text("notice_type"),
        name=fields.text("name"),
        birth_date=fields.opt_date("birth_date"),
        nationality=fields.text("nationality"),
        charges=fields.text("charges"),
        published_at=fields.date("published_at"),
    )


def get_client() -> InterpolClient:
    """The client configured by Django settings (INTERPOL_URL, INTEGRATIONS_TIMEOUT/RETRIES)."""
    from django.conf import settings

    return InterpolClient(settings.INTERPOL_URL, settings.INTEGRATIONS_TIMEOUT, settings.INTEGRATIONS_RETRIES)
