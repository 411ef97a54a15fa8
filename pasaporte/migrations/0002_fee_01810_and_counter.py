"""Data: fee 01810 (passport, S/ 120.90) and the passport number counter row."""
import datetime as dt
from decimal import Decimal

from django.db import migrations


def forwards(apps, schema_editor):
    Fee = apps.get_model("pasaporte", "Fee")
    Counter = apps.get_model("pasaporte", "PassportNumberCounter")
    Fee.objects.get_or_create(
        code="01810", valid_from=dt.date(2020, 1, 1),
        defaults={"description": "Expedición de pasaporte electrónico", "amount": Decimal("120.90")},
    )
    # The row exists before the first job, so concurrent first jobs lock it instead of racing to create it.
    Counter.objects.get_or_create(name="PASAPORTE_PE", defaults={"next_value": 200_000_001})


class Migration(migrations.Migration):
    dependencies = [("pasaporte", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
