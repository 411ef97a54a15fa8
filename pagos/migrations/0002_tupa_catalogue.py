"""Loads the fee catalogue shipped in pagos/data/tupa_2026.toml (fees and the UIT per year), so a new database
(make run, CI, each test database) can price every procedure at once. Rows moved from pasaporte and control
(their migrations run before this one) are matched by (code, procedure, valid_from), not duplicated, and
their amounts are kept as the database has them. Later changes: `manage.py pagos_load`."""
from django.db import migrations

from pagos.loader import read_catalogue, sync_catalogue


def load(apps, schema_editor):
    sync_catalogue(read_catalogue(), fee_model=apps.get_model("pagos", "Fee"), uit_model=apps.get_model("pagos", "Uit"),
                   strict=False)


class Migration(migrations.Migration):
    dependencies = [("pagos", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
