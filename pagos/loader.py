"""The fee catalogue file (pagos/data/tupa_<year>.toml): read and checked, then synced into the fee and UIT rows.

Used by the `catalogue_load` service (project models) and by the data migration (historical models), so
both load a file the same way. Syncing is idempotent and never rewrites history: a row whose amount
was loaded stays as it is (payments point at it); a new amount is a new entry from its date, and the
entry before it in the same (code, procedure) is closed the day before.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "tupa_2026.toml"
PERS = ("EVENT", "DAY", "MONTH")
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class FeeEntry:
    code: str
    procedure: str
    name_es: str
    name_en: str
    amount: Decimal | None
    uit_percent: Decimal | None
    per: str
    valid_from: dt.date
    valid_to: dt.date | None
    notes: str

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return self.code, self.procedure, self.valid_from


@dataclass(frozen=True)
class UitEntry:
    year: int
    amount: Decimal
    legal_basis: str


@dataclass(frozen=True)
class Catalogue:
    source_file: str
    fees: tuple[FeeEntry, ...]
    uits: tuple[UitEntry, ...]


@dataclass(frozen=True)
class SyncResult:
    fees_created: int
    fees_updated: int
    uits_created: int
    uits_updated: int

    @property
    def changed(self) -> bool:
        return bool(self.fees_created or self.fees_updated or self.uits_created or self.uits_updated)


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(_("Catálogo de tasas no válido (%(field)s): %(message)s")
                           % {"field": field, "message": message}, fields={field: message})


def _text(entry: dict, name: str, where: str, *, limit: int, required: bool = True) -> str:
    value = entry.get(name, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        _refuse(f"{where}.{name}", _("Se esperaba un texto no vacío (a lo más %(n)s caracteres).") % {"n": limit})
    return value.strip()


def _decimal(entry: dict, name: str, where: str) -> Decimal | None:
    value = entry.get(name)
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if not isinstance(value, str) or not number.is_finite() or number < 0:
        _refuse(f"{where}.{name}", _("Se esperaba un número no negativo entre comillas (p. ej. \"20.20\")."))
    return number


def _date(entry: dict, name: str, where: str, *, required: bool) -> dt.date | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        _refuse(f"{where}.{name}", _("Se esperaba una fecha AAAA-MM-DD (sin comillas)."))
    return value


def _fee_entry(entry: Any, where: str) -> FeeEntry:
    if not isinstance(entry, dict):
        _refuse(where, _("Se esperaba una tabla [[fee]]."))
    amount, percent = _decimal(entry, "amount", where), _decimal(entry, "uit_percent", where)
    if (amount is None) == (percent is None):
        _refuse(where, _("Una tasa lleva «amount» (soles) o «uit_percent» (de la UIT), una de las dos."))
    if percent is not None and percent == 0:
        _refuse(f"{where}.uit_percent", _("Un porcentaje de la UIT debe ser mayor que cero."))
    per = entry.get("per", "EVENT")
    if per not in PERS:
        _refuse(f"{where}.per", _("Unidad desconocida; se esperaba una de %(pers)s.") % {"pers": ", ".join(PERS)})
    valid_from = _date(entry, "valid_from", where, required=True)
    valid_to = _date(entry, "valid_to", where, required=False)
    if valid_to is not None and valid_to < valid_from:
        _refuse(f"{where}.valid_to", _("«valid_to» es anterior a «valid_from»."))
    return FeeEntry(
        code=_text(entry, "code", where, limit=30), procedure=_text(entry, "procedure", where, limit=60),
        name_es=_text(entry, "name_es", where, limit=200), name_en=_text(entry, "name_en", where, limit=200),
        amount=amount, uit_percent=percent, per=per, valid_from=valid_from, valid_to=valid_to,
        notes=_text(entry, "notes", where, limit=300, required=False),
    )


def _uit_entry(entry: Any, where: str) -> UitEntry:
    if not isinstance(entry, dict):
        _refuse(where, _("Se esperaba una tabla [[uit]]."))
    year = entry.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        _refuse(f"{where}.year", _("Se esperaba un año entre 2000 y 2100."))
    amount = _decimal(entry, "amount", where)
    if amount is None or amount == 0:
        _refuse(f"{where}.amount", _("La UIT lleva su importe en soles."))
    return UitEntry(year=year, amount=amount, legal_basis=_text(entry, "legal_basis", where, limit=200,
                                                                required=False))


def read_catalogue(path: Path | str = DEFAULT_FILE) -> Catalogue:
    """The file's fees and UITs, every entry checked; ValidationFailed names the first bad field."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationFailed(_("No existe el catálogo de tasas %(path)s.") % {"path": path},
                               fields={"file": _("No existe.")})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationFailed(_("El catálogo de tasas %(path)s no es TOML válido.") % {"path": path},
                               fields={"file": str(exc)[:200]})
    fees = [_fee_entry(entry, f"fee[{i}]") for i, entry in enumerate(raw.get("fee", []))]
    uits = [_uit_entry(entry, f"uit[{i}]") for i, entry in enumerate(raw.get("uit", []))]
    seen: set = set()
    for i, fee in enumerate(fees):
        if fee.key in seen:
            _refuse(f"fee[{i}]", _("Tasa repetida: %(code)s %(procedure)s desde %(date)s.")
                    % {"code": fee.code, "procedure": fee.procedure, "date": fee.valid_from.isoformat()})
        seen.add(fee.key)
    years = [u.year for u in uits]
    if len(years) != len(set(years)):
        _refuse("uit", _("Un año de la UIT está repetido."))
    return Catalogue(source_file=path.name, fees=tuple(fees), uits=tuple(uits))


def sync_catalogue(catalogue: Catalogue, *, fee_model, uit_model, strict: bool = True) -> SyncResult:
    """Make the rows hold the file's entries: new entries created, names and notes corrected, and in each
    (code, procedure) every entry closed the day before the next one starts. An amount, percentage or
    unit already loaded is never changed: `strict` refuses such a file (the command), otherwise the
    row is kept as the database has it (the migration must not fail on data an operator corrected)."""
    existing = {(f.code, f.procedure, f.valid_from): f for f in fee_model.objects.all()}
    created = updated = 0
    touched: set[tuple[str, str]] = set()
    for entry in catalogue.fees:
        row = existing.get(entry.key)
        if row is None:
            row = fee_model.objects.create(
                code=entry.code, procedure=entry.procedure, name_es=entry.name_es, name_en=entry.name_en,
                amount=entry.amount, uit_percent=entry.uit_percent, per=entry.per, valid_from=entry.valid_from,
                valid_to=entry.valid_to, notes=entry.notes)
            existing[entry.key] = row
            created += 1
        else:
            if (row.amount, row.uit_percent, row.per) != (entry.amount, entry.uit_percent, entry.per) and strict:
                _refuse(f"{entry.code} {entry.procedure} {entry.valid_from.isoformat()}", _(
                    "Esa tasa ya está cargada con otro monto: un monto nuevo es una entrada nueva con su "
                    "«valid_from» (la anterior se cierra el día antes)."))
            changes = {name: getattr(entry, name) for name in ("name_es", "name_en", "notes")
                       if getattr(row, name) != getattr(entry, name)}
            if entry.valid_to is not None and row.valid_to != entry.valid_to:
                changes["valid_to"] = entry.valid_to
            if changes:
                fee_model.objects.filter(pk=row.pk).update(**changes)
                for name, value in changes.items():
                    setattr(row, name, value)
                updated += 1
        touched.add((entry.code, entry.procedure))
    updated += _close_superseded(existing.values(), touched, fee_model)
    uits_created = uits_updated = 0
    for entry in catalogue.uits:
        row = uit_model.objects.filter(year=entry.year).first()
        if row is None:
            uit_model.objects.create(year=entry.year, amount=entry.amount, legal_basis=entry.legal_basis)
            uits_created += 1
            continue
        if row.amount != entry.amount and strict:
            _refuse(f"uit {entry.year}", _("La UIT de ese año ya está cargada con otro importe."))
        if row.legal_basis != entry.legal_basis:
            uit_model.objects.filter(pk=row.pk).update(legal_basis=entry.legal_basis)
            uits_updated += 1
    return SyncResult(fees_created=created, fees_updated=updated, uits_created=uits_created,
                      uits_updated=uits_updated)


def _close_superseded(rows, touched: set[tuple[str, str]], fee_model) -> int:
    """In each (code, procedure) the file touched, an entry ends the day before the next one starts."""
    groups: dict[tuple[str, str], list] = {}
    for row in rows:
        if (row.code, row.procedure) in touched:
            groups.setdefault((row.code, row.procedure), []).append(row)
    closed = 0
    for group in groups.values():
        group.sort(key=lambda r: r.valid_from)
        for row, following in zip(group, group[1:]):
            end = following.valid_from - ONE_DAY
            if row.valid_to is None or row.valid_to > end:
                fee_model.objects.filter(pk=row.pk).update(valid_to=end)
                row.valid_to = end
                closed += 1
    return closed
