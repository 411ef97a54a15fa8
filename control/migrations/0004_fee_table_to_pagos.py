"""Data: control's fee table moves to the pagos rail: each UitValue becomes a pagos.Uit (ids kept), each
FeeRule a pagos.Fee set in UIT (EXCESO_PERMANENCIA is now MULTA_EXCESO_PERMANENCIA, per day); then the
old tables go. Overstay fines are computed from the same catalogue as every other fee."""
import datetime as dt

from django.db import migrations

from pagos.moves import sequences_reset

CODES = {"EXCESO_PERMANENCIA": "MULTA_EXCESO_PERMANENCIA"}
NAMES_EN = {"MULTA_EXCESO_PERMANENCIA": "Overstay fine (per day)"}


def forwards(apps, schema_editor):
    UitValue, FeeRule = apps.get_model("control", "UitValue"), apps.get_model("control", "FeeRule")
    Uit, Fee = apps.get_model("pagos", "Uit"), apps.get_model("pagos", "Fee")
    for old in UitValue.objects.order_by("pk"):
        if not Uit.objects.filter(year=old.year).exists():
            Uit.objects.create(id=None if Uit.objects.filter(pk=old.pk).exists() else old.pk, year=old.year,
                               amount=old.amount)
    sequences_reset(schema_editor, Uit)
    copied = []
    for old in FeeRule.objects.order_by("code", "valid_from"):
        code = CODES.get(old.code, old.code)
        fee = Fee.objects.filter(code=code, procedure=code, valid_from=old.valid_from).first() or Fee.objects.create(
            code=code, procedure=code, name_es=old.label, name_en=NAMES_EN.get(code, old.label),
            uit_percent=old.uit_percent, per=old.per, valid_from=old.valid_from, notes=f"control.FeeRule {old.pk}")
        copied.append(fee)
    # A rule held from its date until the next rule of the same code: the fee of the catalogue says so.
    for fee, following in zip(copied, copied[1:]):
        if fee.code == following.code and fee.valid_to is None:
            Fee.objects.filter(pk=fee.pk).update(valid_to=following.valid_from - dt.timedelta(days=1))


def backwards(apps, schema_editor):
    UitValue, FeeRule = apps.get_model("control", "UitValue"), apps.get_model("control", "FeeRule")
    Uit, Fee = apps.get_model("pagos", "Uit"), apps.get_model("pagos", "Fee")
    UitValue.objects.bulk_create([UitValue(id=u.pk, year=u.year, amount=u.amount) for u in Uit.objects.all()])
    old_codes = {new: old for old, new in CODES.items()}
    fines = Fee.objects.filter(uit_percent__isnull=False, per__in=["EVENT", "DAY"])
    FeeRule.objects.bulk_create([FeeRule(code=old_codes.get(f.code, f.code), label=f.name_es, uit_percent=f.uit_percent,
                                         per=f.per, valid_from=f.valid_from) for f in fines])
    sequences_reset(schema_editor, UitValue, FeeRule)


class Migration(migrations.Migration):
    dependencies = [("control", "0003_preregistration_dg2_key_id_and_more"), ("pagos", "0001_initial")]
    # Before the catalogue file is loaded, so the rows moved here are matched, not duplicated.
    run_before = [("pagos", "0002_tupa_catalogue")]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(migrations.RunPython.noop, backwards),
        migrations.DeleteModel(name="FeeRule"),
        migrations.DeleteModel(name="UitValue"),
    ]
