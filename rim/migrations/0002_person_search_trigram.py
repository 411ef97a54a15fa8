"""Trigram search on PostgreSQL: the pg_trgm extension and a GIN index on Person.search_name.

Both exist only on PostgreSQL; on SQLite this migration does nothing, and search falls back to
a prefix pre-filter (see rim.selectors).
"""
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX = GinIndex(fields=["search_name"], name="rim_person_search_trgm", opclasses=["gin_trgm_ops"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.add_index(apps.get_model("rim", "Person"), INDEX)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other apps may use it.
    schema_editor.remove_index(apps.get_model("rim", "Person"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("rim", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
