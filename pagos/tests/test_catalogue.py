"""The fee catalogue as data: fees by procedure and date, one code at several amounts, fees set in UIT with
the UIT of the year, and pagos_load (idempotent; a new amount from a date closes the one before)."""
import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from auditoria.models import AuditEntry
from pagos.loader import DEFAULT_FILE
from pagos.models import Fee, Uit
from pagos.selectors import FeeNotInForce, UitNotLoaded, fee_amount, fee_for, fees_in_force, uit_for
from pagos.services import AuditAction

pytestmark = pytest.mark.django_db
D = dt.date


def _load(*args) -> str:
    out = StringIO()
    call_command("pagos_load", *args, stdout=out)
    return out.getvalue()


def _with_entries(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "tupa.toml"
    path.write_text(DEFAULT_FILE.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return path


def test_the_migration_loads_the_fees_the_services_use_and_the_uit_2026():
    # given a new database: the passport fee, control's overstay fine and the carné's fees are there
    passport = fee_for("PASAPORTE_ELECTRONICO", on=D(2026, 3, 1))
    assert (passport.code, passport.amount, passport.name_en) == ("01810", Decimal("120.90"),
                                                                  "Electronic passport issuance")
    assert uit_for(2026).amount == Decimal("5500.00")
    fine = fee_for("MULTA_EXCESO_PERMANENCIA", on=D(2026, 3, 1))
    assert (fine.per, fee_amount(fine, on=D(2026, 3, 1), units=1)) == (Fee.Per.DAY, Decimal("5.50"))
    assert {f.procedure for f in fees_in_force(on=D(2026, 3, 1))} >= {
        "PASAPORTE_ELECTRONICO", "DUPLICADO_CARNE", "ACTUALIZACION_DATOS", "CERTIFICADO_MOVIMIENTO_MIGRATORIO",
        "PRORROGA_RESIDENCIA", "CAMBIO_CALIDAD_ESPECIAL_RESIDENTE", "CPP", "MULTA_EXCESO_PERMANENCIA"}


def test_code_07561_serves_three_procedures_at_two_amounts():
    on = D(2026, 5, 4)
    amounts = {p: fee_for(p, on=on) for p in ("DUPLICADO_CARNE", "ACTUALIZACION_DATOS",
                                              "CERTIFICADO_MOVIMIENTO_MIGRATORIO")}
    assert {fee.code for fee in amounts.values()} == {"07561"}
    assert {p: fee.amount for p, fee in amounts.items()} == {
        "DUPLICADO_CARNE": Decimal("20.20"), "ACTUALIZACION_DATOS": Decimal("20.20"),
        "CERTIFICADO_MOVIMIENTO_MIGRATORIO": Decimal("15.10")}


def test_a_fee_is_the_one_in_force_on_the_date_and_outside_its_validity_is_a_clear_error():
    # the CPP cost S/ 47.30 (2021), then S/ 47.70 from 2023: each date gets its own
    assert fee_for("CPP", on=D(2022, 6, 1)).amount == Decimal("47.30")
    assert fee_for("CPP", on=D(2023, 1, 1)).amount == Decimal("47.70")
    # the contracts permit was S/ 15.80 until 21 Oct 2023 and is free since the 22nd
    assert fee_for("PERMISO_FIRMAR_CONTRATOS", on=D(2023, 10, 21)).amount == Decimal("15.80")
    assert fee_for("PERMISO_FIRMAR_CONTRATOS", on=D(2023, 10, 22)).amount == Decimal("0.00")
    # before the first entry: refused, saying which procedure and date
    with pytest.raises(FeeNotInForce) as before:
        fee_for("CPP", on=D(2020, 12, 31))
    assert before.value.status == 404 and "CPP" in before.value.message and "31/12/2020" in before.value.message
    with pytest.raises(FeeNotInForce, match="No hay una tasa"):
        fee_for("NO_EXISTE", on=D(2026, 1, 5))


def test_a_fee_in_uit_uses_the_uit_of_that_year_and_refuses_a_year_not_loaded():
    fine = fee_for("MULTA_EXCESO_PERMANENCIA", on=D(2025, 8, 1))
    assert fee_amount(fine, on=D(2025, 8, 1), units=10) == Decimal("53.50")  # 0.1 % of 5,350 x 10
    assert fee_amount(fine, on=D(2026, 8, 1), units=10) == Decimal("55.00")  # 0.1 % of 5,500 x 10
    with pytest.raises(UitNotLoaded) as missing:
        fee_amount(fine, on=D(2027, 1, 4), units=1)
    assert missing.value.status == 503 and "2027" in missing.value.message
    # a per-event fee is paid once
    with pytest.raises(Exception, match="una vez"):
        fee_amount(fee_for("PASAPORTE_ELECTRONICO", on=D(2026, 1, 5)), on=D(2026, 1, 5), units=2)


def test_loading_the_catalogue_again_changes_nothing():
    before = list(Fee.objects.order_by("pk").values())
    assert "(sin cambios)" in _load()
    assert "(sin cambios)" in _load(str(DEFAULT_FILE))
    assert list(Fee.objects.order_by("pk").values()) == before
    assert not AuditEntry.objects.filter(action=AuditAction.CATALOGUE_LOAD).exists()


def test_a_new_amount_from_a_date_is_a_new_entry_and_closes_the_previous_one(tmp_path):
    # given the passport at S/ 120.90; when the file gains S/ 125.00 from 1 Jan 2027 and a 2027 UIT
    path = _with_entries(tmp_path, '''
[[fee]]
code = "01810"
procedure = "PASAPORTE_ELECTRONICO"
name_es = "Expedición de pasaporte electrónico"
name_en = "Electronic passport issuance"
amount = "125.00"
valid_from = 2027-01-01

[[uit]]
year = 2027
amount = "5650.00"
''')
    assert "tasas: 1 creadas, 1 actualizadas; UIT: 1 creadas" in _load(str(path))
    # then each date has its amount, the old entry ends the day before, and fines use the new UIT
    assert fee_for("PASAPORTE_ELECTRONICO", on=D(2026, 12, 31)).amount == Decimal("120.90")
    assert fee_for("PASAPORTE_ELECTRONICO", on=D(2026, 12, 31)).valid_to == D(2026, 12, 31)
    assert fee_for("PASAPORTE_ELECTRONICO", on=D(2027, 1, 1)).amount == Decimal("125.00")
    fine = fee_for("MULTA_EXCESO_PERMANENCIA", on=D(2027, 2, 1))
    assert fee_amount(fine, on=D(2027, 2, 1), units=2) == Decimal("11.30")
    assert AuditEntry.objects.get(action=AuditAction.CATALOGUE_LOAD).details["fees_created"] == 1
    assert "(sin cambios)" in _load(str(path))


def test_an_amount_already_loaded_is_never_rewritten(tmp_path):
    path = tmp_path / "tupa.toml"
    path.write_text(DEFAULT_FILE.read_text(encoding="utf-8").replace('amount = "120.90"', 'amount = "99.00"'),
                    encoding="utf-8")
    with pytest.raises(CommandError, match="monto nuevo es una entrada nueva"):
        _load(str(path))
    assert fee_for("PASAPORTE_ELECTRONICO", on=D(2026, 1, 5)).amount == Decimal("120.90")


@pytest.mark.parametrize("entry, field", [
    ('[[fee]]\ncode = "1"\nprocedure = "X"\nname_es = "x"\nname_en = "x"\nvalid_from = 2026-01-01\n', "fee[16]"),
    ('[[fee]]\ncode = "1"\nprocedure = "X"\nname_es = "x"\nname_en = "x"\namount = 3\nvalid_from = 2026-01-01\n',
     "fee[16].amount"),
    ('[[uit]]\nyear = 2026\namount = "1.00"\n', "uit"),
])
def test_a_bad_file_is_refused_naming_the_entry_and_changes_nothing(tmp_path, entry, field):
    before = Fee.objects.count(), Uit.objects.count()
    with pytest.raises(CommandError, match=field.replace("[", r"\[").replace("]", r"\]")):
        _load(str(_with_entries(tmp_path, entry)))
    assert (Fee.objects.count(), Uit.objects.count()) == before
