"""On PostgreSQL, a statement trigger refuses TRUNCATE of the audit table too, even for its owner.

Dropping or disabling it needs the table's owner: the application's role is not (see
`audit_db_roles`), and signed checkpoints outside the database catch an owner who does.
The test suite's own flush disables it first (conftest.py), as only an owner can.
"""
from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS auditoria_no_truncate ON auditoria_auditentry;
CREATE TRIGGER auditoria_no_truncate BEFORE TRUNCATE ON auditoria_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION auditoria_refuse_change();
"""
DROP = "DROP TRIGGER IF EXISTS auditoria_no_truncate ON auditoria_auditentry;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("auditoria", "0004_auditentry_key_id")]
    operations = [migrations.RunPython(forwards, backwards)]
