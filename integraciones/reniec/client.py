"""RENIEC client: look up a citizen by DNI and verify a DNI's verification digit and issue date."""
from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote

from integraciones.http import DEFAULT_TIMEOUT_S, CircuitBreaker, HttpClient
from integraciones.parsing import Fields
from integraciones.reniec.types import Citizen, DniCheck

SERVICE = "reniec"


class ReniecClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        retries: int = 2,
        *,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.http = HttpClient(SERVICE, base_url, timeout=timeout, retries=retries, breaker=breaker)

    def lookup(self, dni: str, *, with_photo: bool = True) -> Citizen:
        """The citizen's record; raises NotFound if RENIEC has no such DNI."""
        params = None if with_photo else {"foto": "0"}
        data = self.http.get(f"dni/{quote(dni, safe='')}", params=params)
        return _citizen(Fields(SERVICE, data))

    def verify(self, dni: str, verification_digit: str, issue_date: dt.date) -> DniCheck:
        """Check the verification digit and issue date a person typed against RENIEC's record."""
        payload = {"dni": dni, "verification_digit": verification_digit, "issue_date": issue_date.isoformat()}
        # A read sent as POST (the answers are not for URLs and logs); the key makes it retryable.
        data = self.http.post("verify", json=payload, idempotency_key=str(uuid.uuid4()))
        fields = Fields(SERVICE, data)
        return DniCheck(valid=fields.flag("valid"), field_errors=fields.text_map("field_errors"))


def _citizen(fields: Fields) -> Citizen:
    return Citizen(
        dni=fields.text("dni"),
        verification_digit=fields.text("verification_digit"),
        given_names=fields.text("given_names"),
        first_surname=fields.text("first_surname"),
        second_surname=fields.text("second_surname"),
        birth_date=fields.date("birth_date"),
        sex=fields.text("sex"),
        address=fields.text("address"),
        ubigeo=fields.text("ubigeo"),
        issue_date=fields.date("issue_date"),
        photo_jpeg=fields.opt_base64("photo_jpeg"),
        status=fields.text("status"),
    )


def get_client() -> ReniecClient:
    """The client configured by Django settings (RENIEC_URL, INTEGRATIONS_TIMEOUT/RETRIES)."""
    from django.conf import settings

    return ReniecClient(settings.RENIEC_URL, settings.INTEGRATIONS_TIMEOUT, settings.INTEGRATIONS_RETRIES)
