"""The application's PostgreSQL role, as `audit_db_roles` makes it, may append to the audit log and read
it, and nothing else: no DELETE, UPDATE, TRUNCATE, nor disabling its triggers."""
import os

import pytest
from django.core.management import call_command
from django.db import connection

from auditoria.services import audit_record

ON_PG = connection.vendor == "postgresql"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_PG, reason="database roles are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),  # the grants must be committed for another connection
]

ATTACKS = {
    "DELETE": "DELETE FROM auditoria_auditentry",
    "UPDATE": "UPDATE auditoria_auditentry SET purpose = 'otra'",
    "TRUNCATE": "TRUNCATE auditoria_auditentry",
    "DISABLE TRIGGER": "ALTER TABLE auditoria_auditentry DISABLE TRIGGER auditoria_append_only",
    "DROP TRIGGER": "DROP TRIGGER auditoria_no_truncate ON auditoria_auditentry",
}


@pytest.fixture
def roles():
    suffix = os.getpid()
    owner, app = f"test_mig_owner_{suffix}", f"test_mig_app_{suffix}"
    call_command("audit_db_roles", owner=owner, app=app, execute=True)
    yield owner, app
    with connection.cursor() as cursor:
        cursor.execute(f'REASSIGN OWNED BY "{owner}" TO CURRENT_USER')
        for role in (owner, app):
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def _connect_as(role: str):
    import psycopg2

    db = connection.settings_dict
    conn = psycopg2.connect(dbname=db["NAME"], user=role, host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    conn.autocommit = True
    return conn


def test_the_application_role_only_appends_and_reads_the_audit_log(roles):
    import psycopg2.errors

    owner, app = roles
    # given an entry in the log, and a connection as the application's role
    entry = audit_record(actor="test", action="rim.person_get", kind="read", person_id=7, purpose="control")
    conn = _connect_as(app)
    try:
        with conn.cursor() as cursor:
            # then it reads the log and may append to it
            cursor.execute("SELECT hash FROM auditoria_auditentry WHERE id = %s", [entry.pk])
            assert cursor.fetchone()[0] == entry.hash
            cursor.execute("SELECT pg_advisory_xact_lock(1)")
            cursor.execute(
                "INSERT INTO auditoria_auditentry (created_at, actor_repr, kind, action, object_type, object_id,"
                " purpose, details, prev_hash, hash, key_id) VALUES (now(), 'app', 'read', 'x', '', '', '', '{}',"
                " %s, %s, '')", [entry.hash, "f" * 64])
            # and each way of removing or rewriting entries is refused for lack of privilege
            refused = {}
            for name, sql in ATTACKS.items():
                with pytest.raises(psycopg2.errors.InsufficientPrivilege) as error:
                    cursor.execute(sql)
                refused[name] = error.value.pgcode
            assert set(refused) == set(ATTACKS)
            # and it owns nothing it could change the rules of
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'auditoria_auditentry'")
            assert cursor.fetchone()[0] == owner
    finally:
        conn.close()
    # and the log still holds both entries
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM auditoria_auditentry")
        assert cursor.fetchone()[0] == 2


def test_the_command_prints_the_sql_for_a_dba(capsys):
    call_command("audit_db_roles")
    sql = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON auditoria_auditentry TO "migraciones_app"' in sql
    assert 'ALTER TABLE "auditoria_auditentry" OWNER TO "migraciones_owner"' in sql
