"""Fee table data: the UIT of recent years and the overstay fine (0.1 % of the UIT per day)."""
import datetime as dt
from decimal import Decimal

from django.db import migrations

# Decretos supremos that fix the UIT each year.
UIT = {2023: Decimal("4950.00"), 2024: Decimal("5150.00"), 2025: Decimal("5350.00"), 2026: Decimal("5500.00")}
# Decreto Legislativo 1350, in force since 1 March 2017.
RULES = [("EXCESO_PERMANENCIA", "Multa por exceso de permanencia (por día)", Decimal("0.1000"), "DAY",
          dt.date(2017, 3, 1))]


def load(apps, schema_editor):
    UitValue = apps.get_model("control", "UitValue")
    FeeRule = apps.get_model("control", "FeeRule")
    for year, amount in UIT.items():
        UitValue.objects.update_or_create(year=year, defaults={"amount": amount})
    for code, label, percent, per, valid_from in RULES:
        FeeRule.objects.update_or_create(code=code, valid_from=valid_from,
                                         defaults={"label": label, "uit_percent": percent, "per": per})


class Migration(migrations.Migration):
    dependencies = [("control", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
