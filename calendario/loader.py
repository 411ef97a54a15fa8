"""Calendar files (calendario/data/<year>.json): read and checked, then synced into the rows of their year.

Used by the `calendar_year_load` service (with the project's models) and by the data migration
(with its historical models), so both load a file the same way.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

from .regions import Region

DATA_DIR = Path(__file__).resolve().parent / "data"
SCOPES = ("NATIONAL", "REGIONAL", "PUBLIC_SECTOR")
_TEXT_FIELDS = ("name_es", "name_en", "legal_basis")
_LIMITS = {"name_es": 200, "name_en": 200}


@dataclass(frozen=True)
class DayEntry:
    date: dt.date
    scope: str
    region: str
    name_es: str
    name_en: str
    legal_basis: str

    @property
    def key(self) -> tuple[dt.date, str, str]:
        return self.date, self.scope, self.region


@dataclass(frozen=True)
class YearFile:
    year: int
    sources: str
    source_file: str
    days: tuple[DayEntry, ...]


@dataclass(frozen=True)
class SyncResult:
    year: int
    created: int
    updated: int
    deleted: int
    year_changed: bool

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.year_changed)


def year_file_path(year_or_path: str) -> Path:
    """A year ("2027": the shipped calendario/data/2027.json) or the path of a calendar file."""
    if year_or_path.isdigit() and len(year_or_path) == 4:
        return DATA_DIR / f"{year_or_path}.json"
    return Path(year_or_path)


def shipped_year_files() -> list[Path]:
    return sorted(DATA_DIR.glob("[0-9][0-9][0-9][0-9].json"))


def read_year_file(path: Path) -> YearFile:
    """The file's year and days, every entry checked; ValidationFailed names the first bad field."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationFailed(_("No existe el archivo de calendario %(path)s.") % {"path": path},
                               fields={"file": _("No existe.")})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(_("El archivo de calendario %(path)s no es JSON válido.") % {"path": path},
                               fields={"file": str(exc)[:200]})
    if not isinstance(raw, dict):
        _refuse("file", _("Se esperaba un objeto con «year», «sources» y «days»."))
    year = raw.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        _refuse("year", _("Se esperaba un año entre 2000 y 2100."))
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        _refuse("sources", _("Se esperaba una lista de textos."))
    entries = raw.get("days")
    if not isinstance(entries, list) or not entries:
        _refuse("days", _("Se esperaba una lista no vacía de días."))
    days: dict[tuple, DayEntry] = {}
    for index, entry in enumerate(entries):
        for day in _entries_of(entry, f"days[{index}]", year):
            if day.key in days:
                _refuse(f"days[{index}]", _("Día repetido: %(date)s %(scope)s %(region)s.")
                        % {"date": day.date.isoformat(), "scope": day.scope, "region": day.region})
            days[day.key] = day
    return YearFile(year=year, sources="\n".join(sources), source_file=Path(path).name,
                    days=tuple(sorted(days.values(), key=lambda d: d.key)))


def _entries_of(entry: Any, where: str, year: int) -> list[DayEntry]:
    """One entry of the file: one row, or one row per region for a regional holiday."""
    if not isinstance(entry, dict):
        _refuse(where, _("Se esperaba un objeto."))
    try:
        day = dt.date.fromisoformat(entry.get("date") or "")
    except (TypeError, ValueError):
        _refuse(f"{where}.date", _("Se esperaba una fecha AAAA-MM-DD."))
    if day.year != year:
        _refuse(f"{where}.date", _("La fecha %(date)s no es del año %(year)s del archivo.")
                % {"date": day.isoformat(), "year": year})
    scope = entry.get("scope")
    if scope not in SCOPES:
        _refuse(f"{where}.scope", _("Alcance desconocido; se esperaba uno de %(scopes)s.") % {"scopes": ", ".join(SCOPES)})
    texts = {}
    for name in _TEXT_FIELDS:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > _LIMITS.get(name, 2000):
            _refuse(f"{where}.{name}", _("Se esperaba un texto no vacío (a lo más %(n)s caracteres).")
                    % {"n": _LIMITS.get(name, 2000)})
        texts[name] = value.strip()
    regions = entry.get("regions")
    if scope == "REGIONAL":
        if not isinstance(regions, list) or not regions:
            _refuse(f"{where}.regions", _("Un feriado regional lleva la lista de regiones (códigos UBIGEO)."))
        unknown = [r for r in regions if r not in Region.values]
        if unknown:
            _refuse(f"{where}.regions", _("Código de región desconocido: %(codes)s (UBIGEO de dos dígitos, "
                                          "p. ej. «16» Loreto).") % {"codes": ", ".join(map(str, unknown))})
        return [DayEntry(day, scope, region, **texts) for region in regions]
    if regions:
        _refuse(f"{where}.regions", _("Solo un feriado regional lleva regiones."))
    return [DayEntry(day, scope, "", **texts)]


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(_("Archivo de calendario no válido (%(field)s): %(message)s")
                           % {"field": field, "message": message}, fields={field: message})


def sync_year(year_file: YearFile, *, day_model, year_model, loaded_by: str, now: dt.datetime,
              lock: bool = False) -> SyncResult:
    """Make the rows of the file's year exactly the file's days (adds, corrects, removes), and mark the
    year loaded. A second run with the same file changes nothing. `lock`: select_for_update the rows."""
    rows = day_model.objects.filter(date__year=year_file.year)
    if lock:
        rows = rows.select_for_update()
    existing = {(row.date, row.scope, row.region): row for row in rows}
    wanted = {day.key: day for day in year_file.days}
    created = [day_model(date=d.date, scope=d.scope, region=d.region, name_es=d.name_es, name_en=d.name_en,
                         legal_basis=d.legal_basis) for key, d in wanted.items() if key not in existing]
    updated = []
    for key, day in wanted.items():
        row = existing.get(key)
        if row is not None and any(getattr(row, f) != getattr(day, f) for f in _TEXT_FIELDS):
            for field in _TEXT_FIELDS:
                setattr(row, field, getattr(day, field))
            updated.append(row)
    gone = [row.pk for key, row in existing.items() if key not in wanted]
    day_model.objects.bulk_create(created)
    if updated:
        day_model.objects.bulk_update(updated, list(_TEXT_FIELDS))
    if gone:
        day_model.objects.filter(pk__in=gone).delete()
    year_row = year_model.objects.filter(year=year_file.year).first()
    year_changed = (year_row is None or year_row.sources != year_file.sources
                    or year_row.source_file != year_file.source_file)
    if year_changed or created or updated or gone:
        year_model.objects.update_or_create(year=year_file.year, defaults={
            "sources": year_file.sources, "source_file": year_file.source_file,
            "loaded_at": now, "loaded_by": loaded_by[:200]})
    return SyncResult(year=year_file.year, created=len(created), updated=len(updated), deleted=len(gone),
                      year_changed=year_changed)
