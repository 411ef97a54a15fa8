"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the audit table (append-only).

TRUNCATE stays possible for the database owner: test runs flush tables with it.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION auditoria_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'auditoria_auditentry is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS auditoria_append_only ON auditoria_auditentry;
CREATE TRIGGER auditoria_append_only BEFORE UPDATE OR DELETE ON auditoria_auditentry
    FOR EACH ROW EXECUTE FUNCTION auditoria_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS auditoria_append_only ON auditoria_auditentry;
DROP FUNCTION IF EXISTS auditoria_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("auditoria", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
