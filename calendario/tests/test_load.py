"""Loading a year: the shipped years are there after migrating, calendario_load is idempotent, a new
year is only a new file, a change is seen at once by the cached services, bad files change nothing."""
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from auditoria.models import AuditEntry
from calendario import cache as calendar_cache
from calendario.errors import CalendarYearNotLoaded
from calendario.loader import DATA_DIR
from calendario.models import CalendarYear, NonWorkingDay
from calendario.services import AuditAction, add_business_days, is_business_day

pytestmark = pytest.mark.django_db

D = dt.date


def _load(*targets) -> str:
    out = StringIO()
    call_command("calendario_load", *targets, stdout=out)
    return out.getvalue()


def _file(tmp_path: Path, year: int, days: list[dict], name: str | None = None) -> Path:
    path = tmp_path / (name or f"{year}.json")
    path.write_text(json.dumps({"year": year, "sources": ["prueba"], "days": days}), encoding="utf-8")
    return path


def _day(date: str, scope: str = "NATIONAL", **extra) -> dict:
    return {"date": date, "scope": scope, "name_es": "Feriado", "name_en": "Holiday", "legal_basis": "Ley de prueba",
            **extra}


def test_the_migrations_load_the_shipped_2025_and_2026_calendars():
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= {2025, 2026}
    national_2026 = NonWorkingDay.objects.filter(date__year=2026, scope=NonWorkingDay.Scope.NATIONAL)
    assert national_2026.count() == 16
    assert NonWorkingDay.objects.get(date=D(2026, 1, 2)).scope == NonWorkingDay.Scope.PUBLIC_SECTOR
    assert "042-2025-PCM" in NonWorkingDay.objects.get(date=D(2026, 1, 2)).legal_basis
    assert NonWorkingDay.objects.filter(date=D(2026, 6, 24), scope="REGIONAL", region="16").exists()


def test_loading_a_year_again_changes_nothing():
    # given the years the migration loaded, when the same files are loaded twice
    before = list(NonWorkingDay.objects.order_by("pk").values())
    first, second = _load("2025", "2026"), _load("--all")
    # then nothing was created, changed or removed, and nothing was audited
    assert "2026: 0 creados, 0 actualizados, 0 eliminados (sin cambios)" in first
    assert "2025: 0 creados, 0 actualizados, 0 eliminados (sin cambios)" in second
    assert list(NonWorkingDay.objects.order_by("pk").values()) == before
    assert not AuditEntry.objects.filter(action=AuditAction.CALENDAR_YEAR_LOAD).exists()


def test_a_new_year_is_only_a_new_file(tmp_path):
    # given no calendar for 2028: its deadlines are refused
    with pytest.raises(CalendarYearNotLoaded):
        is_business_day(D(2028, 1, 3))
    # when its file is loaded (no code): Sat 1 Jan 2028 a holiday, Mon 26 Jun in Loreto
    path = _file(tmp_path, 2028, [_day("2028-01-01"), _day("2028-06-26", "REGIONAL", regions=["16", "25"])])
    assert "2028: 3 creados, 0 actualizados, 0 eliminados" in _load(str(path))
    # then 2028 counts: notified Fri 31 Dec 2027, 1 day: Mon 3 Jan 2028
    assert add_business_days(D(2027, 12, 31), 1) == D(2028, 1, 3)
    assert not is_business_day(D(2028, 6, 26), region="25") and is_business_day(D(2028, 6, 26))
    # and the load is audited once, with what it did
    entry = AuditEntry.objects.get(action=AuditAction.CALENDAR_YEAR_LOAD)
    assert entry.details["created"] == 3 and entry.object_id == "2028"
    assert "(sin cambios)" in _load(str(path))


def test_a_change_by_calendario_load_is_seen_by_the_cached_services(tmp_path, django_assert_num_queries):
    # given the 2026 calendar already read once (and then answered from memory, without queries)
    assert is_business_day(D(2026, 3, 2))
    with django_assert_num_queries(0):
        assert add_business_days(D(2026, 3, 31), 5) == D(2026, 4, 9)
    # when a corrected 2026 file declares Mon 2 Mar 2026 a public-sector non-working day
    shipped = json.loads((DATA_DIR / "2026.json").read_text(encoding="utf-8"))
    extra = _day("2026-03-02", "PUBLIC_SECTOR")
    path = _file(tmp_path, 2026, [*shipped["days"], extra])
    assert "2026: 1 creados, 0 actualizados, 0 eliminados" in _load(str(path))
    # then the next call sees it
    assert not is_business_day(D(2026, 3, 2))
    assert add_business_days(D(2026, 2, 27), 1) == D(2026, 3, 3)
    # and loading the shipped file again removes it
    assert "2026: 0 creados, 0 actualizados, 1 eliminados" in _load("2026")
    assert is_business_day(D(2026, 3, 2))


def test_another_process_change_is_seen_through_the_shared_generation():
    # given 2026 kept in this process's memory
    assert not is_business_day(D(2026, 4, 2))
    # when another process changes a row and draws a new generation in the shared cache
    NonWorkingDay.objects.filter(date=D(2026, 4, 2)).delete()
    cache.set(calendar_cache.GENERATION_KEY, "another-process")
    # then this process reads the rows again
    assert is_business_day(D(2026, 4, 2))


def test_a_bad_file_is_refused_and_changes_nothing(tmp_path):
    before = NonWorkingDay.objects.count()
    cases = {
        "wrong_year": [_day("2027-01-01")],
        "scope": [_day("2028-01-01", "FESTIVO")],
        "region": [_day("2028-06-24", "REGIONAL", regions=["99"])],
        "no_region": [_day("2028-06-24", "REGIONAL")],
        "twice": [_day("2028-01-01"), _day("2028-01-01")],
        "no_name": [{**_day("2028-01-01"), "name_es": ""}],
    }
    messages = {}
    for case, days in cases.items():
        with pytest.raises(CommandError) as refused:
            _load(str(_file(tmp_path, 2028, days, name=f"{case}.json")))
        messages[case] = str(refused.value)
    assert "no es del año 2028" in messages["wrong_year"]
    assert "Alcance desconocido" in messages["scope"]
    assert "99" in messages["region"] and "UBIGEO" in messages["region"]
    assert "lista de regiones" in messages["no_region"]
    assert "repetido" in messages["twice"]
    assert "name_es" in messages["no_name"]
    with pytest.raises(CommandError, match="No existe"):
        _load(str(tmp_path / "missing.json"))
    assert NonWorkingDay.objects.count() == before
    assert not CalendarYear.objects.filter(year=2028).exists()
