"""Loads the procedure catalogue shipped in tramites/data/procedures.toml, so a new database (make run, CI,
each test database) offers every procedure at once. Later changes: `manage.py tramites_load`."""
from django.db import migrations


def load(apps, schema_editor):
    from tramites.catalogue import catalogue_sync, read_catalogue

    catalogue_sync(read_catalogue(), model=apps.get_model("tramites", "ProcedureType"))


class Migration(migrations.Migration):
    dependencies = [("tramites", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
