"""RENIEC simulator: deterministic demo citizens by DNI, their photos and DNI verification."""
from __future__ import annotations

import base64
import datetime as dt
import os
import random
from pathlib import Path
from typing import Any

from integraciones.reniec.types import STATUS_ACTIVE, STATUS_DECEASED
from integraciones.reniec.digits import DNI_RE, matches_verification, verification_digit
from integraciones.simkit import HttpError, Reply, Request, SimulatorApp, json_reply

DEFAULT_LATENCY_MS = 40
# Other citizens never get obama.jpg: it belongs to 70275722, and the same face under two
# identities would look like identity fraud to the 1:N search.
OTHER_PHOTOS = ("biden.jpg", "ICAO_39794_5_AP_Face.jpg")

MALE_NAMES = (
    "JOSÉ LUIS", "JUAN CARLOS", "LUIS ALBERTO", "MIGUEL ÁNGEL", "JESÚS", "CÉSAR AUGUSTO",
    "VÍCTOR RAÚL", "JORGE", "PERCY", "RENZO", "ÓSCAR", "CARLOS ENRIQUE", "JULIO CÉSAR", "ÁNGEL",
)
FEMALE_NAMES = (
    "MARÍA ELENA", "ROSA", "ANA MARÍA", "LUCÍA", "CARMEN ROSA", "MILAGROS", "SOFÍA",
    "FLOR DE MARÍA", "NOEMÍ", "INÉS", "GLADYS", "MÓNICA", "MARÍA DEL PILAR", "YESENIA",
)
SURNAMES = (
    "QUISPE", "MAMANI", "NÚÑEZ", "DE LA CRUZ", "FLORES", "RODRÍGUEZ", "SÁNCHEZ", "GARCÍA",
    "HUAMÁN", "CHÁVEZ", "RAMÍREZ", "GUTIÉRREZ", "VÁSQUEZ", "CASTILLO", "DÍAZ", "ROJAS",
    "TORRES", "MENDOZA", "CONDORI", "CCOPA", "DEL ÁGUILA", "ÑAHUI", "PÉREZ", "CÁRDENAS",
)
UBIGEOS = (
    ("150101", "LIMA - LIMA - LIMA"),
    ("150131", "LIMA - LIMA - SAN ISIDRO"),
    ("150122", "LIMA - LIMA - MIRAFLORES"),
    ("080101", "CUSCO - CUSCO - CUSCO"),
    ("040101", "AREQUIPA - AREQUIPA - AREQUIPA"),
    ("130101", "LA LIBERTAD - TRUJILLO - TRUJILLO"),
    ("200101", "PIURA - PIURA - PIURA"),
    ("160101", "LORETO - MAYNAS - IQUITOS"),
    ("210101", "PUNO - PUNO - PUNO"),
)
STREETS = ("AV. JOSÉ GÁLVEZ", "JR. NICOLÁS DE PIÉROLA", "CALLE LOS ÁLAMOS", "AV. GRAU", "JR. SAN MARTÍN", "PSJE. LAS ORQUÍDEAS")

FIXED: dict[str, dict[str, Any]] = {
    "70275722": {
        "given_names": "JORGE ANTHONY", "first_surname": "CARDENAS", "second_surname": "",
        "birth_date": dt.date(1989, 6, 12), "sex": "M", "issue_date": dt.date(2013, 7, 16),
        "address": "AV. JAVIER PRADO ESTE 1234, LIMA - LIMA - SAN ISIDRO", "ubigeo": "150131",
        "photo": "obama.jpg",
    },
    "45678912": {
        "given_names": "ROSA ELENA", "first_surname": "QUISPE", "second_surname": "MAMANI",
        "birth_date": dt.date(1985, 3, 21), "sex": "F", "issue_date": dt.date(2019, 4, 2),
        "address": "JR. TÚPAC AMARU 456, CUSCO - CUSCO - CUSCO", "ubigeo": "080101",
        "photo": "ICAO_39794_5_AP_Face.jpg",
    },
}


def dni_exists(dni: str) -> bool:
    return bool(DNI_RE.fullmatch(dni)) and not dni.startswith("00")


def citizen_record(dni: str) -> dict[str, Any]:
    """The demo record of an existing DNI: fixed citizens, else derived from the number."""
    record = dict(FIXED.get(dni) or _derived(dni))
    record["dni"] = dni
    record["verification_digit"] = verification_digit(dni)
    # Numbers ending in 0000 are the demo's deceased citizens.
    record["status"] = STATUS_DECEASED if dni.endswith("0000") else STATUS_ACTIVE
    return record


def _derived(dni: str) -> dict[str, Any]:
    rng = random.Random(f"reniec:{dni}")
    sex = rng.choice("MF")
    birth = dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
    first_issue = max(dt.date(birth.year + 18, birth.month, min(birth.day, 28)), dt.date(2005, 1, 1))
    issue = first_issue + dt.timedelta(days=rng.randrange(max(1, (dt.date(2024, 12, 31) - first_issue).days)))
    ubigeo, place = rng.choice(UBIGEOS)
    return {
        "given_names": rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES),
        "first_surname": rng.choice(SURNAMES),
        "second_surname": rng.choice(SURNAMES),
        "birth_date": birth,
        "sex": sex,
        "issue_date": issue,
        "address": f"{rng.choice(STREETS)} {rng.randrange(100, 2999)}, {place}",
        "ubigeo": ubigeo,
        "photo": rng.choice(OTHER_PHOTOS),
    }


def faces_dir() -> Path | None:
    from core.testdata import testdata_dir

    configured = os.environ.get("SIMULATOR_FACES_DIR")
    directory = Path(configured) if configured else testdata_dir() / "faces"
    return directory if directory.is_dir() else None


def photo_bytes(name: str) -> bytes | None:
    directory = faces_dir()
    path = directory / name if directory else None
    return path.read_bytes() if path and path.is_file() else None


def _require_dni(dni: str) -> None:
    if not DNI_RE.fullmatch(dni):
        raise HttpError(400, "invalid_dni", "El DNI debe tener 8 dígitos", field="dni")


def _lookup(request: Request) -> Reply:
    assert request.match is not None
    dni = request.match["dni"]
    _require_dni(dni)
    if not dni_exists(dni):
        raise HttpError(404, "not_found", "El DNI no figura en el registro de RENIEC", field="dni")
    record = citizen_record(dni)
    photo = photo_bytes(record.pop("photo")) if request.query.get("foto", "1") != "0" else None
    record["photo_jpeg"] = base64.b64encode(photo).decode("ascii") if photo else None
    record["birth_date"] = record["birth_date"].isoformat()
    record["issue_date"] = record["issue_date"].isoformat()
    return json_reply(record)


def _verify(request: Request) -> Reply:
    data = request.json()
    dni = str(data.get("dni", ""))
    _require_dni(dni)
    if not dni_exists(dni):
        return json_reply({"valid": False, "field_errors": {"dni": "El DNI no figura en el registro de RENIEC"}})
    record = citizen_record(dni)
    errors: dict[str, str] = {}
    if not matches_verification(dni, str(data.get("verification_digit", ""))):
        errors["verification_digit"] = "El dígito de verificación no corresponde al DNI"
    if str(data.get("issue_date", "")) != record["issue_date"].isoformat():
        errors["issue_date"] = "La fecha de emisión no corresponde al DNI"
    return json_reply({"valid": not errors, "field_errors": errors})


def make_app(*, latency_ms: int | None = None) -> SimulatorApp:
    routes = [
        ("GET", r"/dni/(?P<dni>.+)", _lookup),
        ("POST", r"/verify", _verify),
    ]
    return SimulatorApp("reniec", routes, default_latency_ms=DEFAULT_LATENCY_MS if latency_ms is None else latency_ms)
