"""PNP simulator: deterministic requisitorias and impedimentos de salida by DNI or by name."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from integraciones.simkit import HttpError, Reply, Request, SimulatorApp, json_reply, normalize_name

DEFAULT_LATENCY_MS = 30
DNI_RE = re.compile(r"\d{8}")
WANTED_NAME = "JUAN PEREZ REQUISITORIADO"
WANTED_BIRTH = "1980-01-01"


def _requisitoria(number: str) -> dict[str, Any]:
    return {
        "number": number,
        "court": "1.er Juzgado Penal de Lima",
        "crime": "Robo agravado",
        "issued_at": "2023-05-10",
        "status": "VIGENTE",
    }


def _impedimento(number: str) -> dict[str, Any]:
    return {
        "number": number,
        "authority": "3.er Juzgado de Investigación Preparatoria de Lima",
        "reason": "Impedimento de salida del país",
        "issued_at": "2024-02-01",
        "valid_until": "2030-12-31",
    }


def hits(dni: str | None, names: str | None, birth_date: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """DNIs ending in 666 are wanted, in 777 banned from leaving; one wanted name (see docs)."""
    requisitorias, impedimentos = [], []
    if dni and dni.endswith("666"):
        requisitorias.append(_requisitoria(f"REQ-{dni}"))
    if dni and dni.endswith("777"):
        impedimentos.append(_impedimento(f"IMP-{dni}"))
    # Without a birth date a name alone is reported: a homonym is for the officer to rule out.
    if names and normalize_name(names) == WANTED_NAME and birth_date in (None, WANTED_BIRTH):
        requisitorias.append(_requisitoria("REQ-1980-000123"))
    return requisitorias, impedimentos


def _check(request: Request) -> Reply:
    data = request.json()
    dni, names, birth = data.get("dni"), data.get("names"), data.get("birth_date")
    if dni is not None and not (isinstance(dni, str) and DNI_RE.fullmatch(dni)):
        raise HttpError(400, "invalid_field", "El DNI debe tener 8 dígitos", field="dni")
    if names is not None and not (isinstance(names, str) and names.strip()):
        raise HttpError(400, "invalid_field", "Nombres inválidos", field="names")
    if dni is None and names is None:
        raise HttpError(400, "invalid_field", "Se requiere el DNI o los nombres", field="dni")
    if birth is not None:
        try:
            dt.date.fromisoformat(str(birth))
        except ValueError as exc:
            raise HttpError(400, "invalid_field", "Fecha de nacimiento inválida", field="birth_date") from exc
    requisitorias, impedimentos = hits(dni, names, birth)
    checked_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    return json_reply({"requisitorias": requisitorias, "impedimentos": impedimentos, "checked_at": checked_at})


def make_app(*, latency_ms: int | None = None) -> SimulatorApp:
    latency = DEFAULT_LATENCY_MS if latency_ms is None else latency_ms
    return SimulatorApp("pnp", [("POST", r"/check", _check)], default_latency_ms=latency)
