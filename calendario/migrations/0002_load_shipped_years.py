"""Loads every calendar file shipped in calendario/data/ (2025 and 2026 when written), so a new database
(make run, CI, each test database) can count business days at once. Later years and corrections of
an existing database are loaded with `manage.py calendario_load <year>`."""
from django.db import migrations
from django.utils import timezone

from calendario.loader import read_year_file, shipped_year_files, sync_year


def load(apps, schema_editor):
    for path in shipped_year_files():
        sync_year(read_year_file(path), day_model=apps.get_model("calendario", "NonWorkingDay"),
                  year_model=apps.get_model("calendario", "CalendarYear"),
                  loaded_by="migración calendario 0002", now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("calendario", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
