"""Interpol simulator: deterministic SLTD hits by document number and notices by name."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from integraciones.interpol.types import SLTD_LOST, SLTD_STOLEN
from integraciones.simkit import HttpError, Reply, Request, SimulatorApp, json_reply, normalize_name

DEFAULT_LATENCY_MS = 45
DOCUMENT_RE = re.compile(r"[A-Z0-9]{1,20}")
COUNTRY_RE = re.compile(r"[A-Z]{1,3}")  # ICAO codes, including one-letter "D"
RED_NOTICE = {
    "notice_id": "2008/12345",
    "notice_type": "RED",
    "name": "VICTOR BOUT NOTICE",
    "birth_date": "1967-01-13",
    "nationality": "RUS",
    "charges": "Tráfico ilícito de armas",
    "published_at": "2008-03-06",
}


def sltd_status(document_number: str) -> tuple[str, str] | None:
    """(status, reported_at): numbers ending in 999 are stolen, in 998 lost."""
    if document_number.endswith("999"):
        return SLTD_STOLEN, "2022-11-03"
    if document_number.endswith("998"):
        return SLTD_LOST, "2023-08-19"
    return None


def _sltd(request: Request) -> Reply:
    number = request.query.get("document_number", "").strip().upper()
    country = request.query.get("country", "").strip().upper()
    if not DOCUMENT_RE.fullmatch(number):
        raise HttpError(400, "invalid_field", "Número de documento inválido", field="document_number")
    if not COUNTRY_RE.fullmatch(country):
        raise HttpError(400, "invalid_field", "Código de país inválido", field="country")
    found = sltd_status(number)
    reply: dict[str, Any] = {"document_number": number, "country": country, "hit": bool(found)}
    reply["status"], reply["reported_at"] = found if found else (None, None)
    return json_reply(reply)


def _notices(request: Request) -> Reply:
    data = request.json()
    name, birth = data.get("name"), data.get("birth_date")
    if not isinstance(name, str) or not name.strip():
        raise HttpError(400, "invalid_field", "Se requiere el nombre", field="name")
    if birth is not None:
        try:
            dt.date.fromisoformat(str(birth))
        except ValueError as exc:
            raise HttpError(400, "invalid_field", "Fecha de nacimiento inválida", field="birth_date") from exc
    same_name = normalize_name(name) == RED_NOTICE["name"]
    notices = [RED_NOTICE] if same_name and birth in (None, RED_NOTICE["birth_date"]) else []
    return json_reply({"notices": notices})


def make_app(*, latency_ms: int | None = None) -> SimulatorApp:
    routes = [("GET", r"/sltd", _sltd), ("POST", r"/notices/search", _notices)]
    latency = DEFAULT_LATENCY_MS if latency_ms is None else latency_ms
    return SimulatorApp("interpol", routes, default_latency_ms=latency)
