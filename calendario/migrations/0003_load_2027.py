"""Loads the 2027 calendar into databases that ran 0002 before its file was shipped (a new database
gets it from 0002 already; loading is idempotent, so running both changes nothing)."""
from django.db import migrations
from django.utils import timezone

from calendario.loader import read_year_file, sync_year, year_file_path


def load(apps, schema_editor):
    sync_year(read_year_file(year_file_path("2027")), day_model=apps.get_model("calendario", "NonWorkingDay"),
              year_model=apps.get_model("calendario", "CalendarYear"),
              loaded_by="migración calendario 0003", now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("calendario", "0002_load_shipped_years")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
