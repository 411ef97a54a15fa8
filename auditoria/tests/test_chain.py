"""The audit log: chained, verifiable, append-only, written with the change it records."""
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from auditoria.models import AuditEntry
from auditoria.selectors import audit_chain_verify, person_access_log
from auditoria.services import audit_record

pytestmark = pytest.mark.django_db


def _write_entries(n: int) -> list[AuditEntry]:
    return [
        audit_record(actor="test", action="rim.person_get", kind="read", object_type="rim.person",
                     object_id=i, person_id=100 + (i % 3), purpose="control migratorio", details={"i": i})
        for i in range(n)
    ]


def _tamper(entry_id: int, purpose: str) -> None:
    # On PostgreSQL the trigger refuses UPDATE, so the test plays an attacker with owner rights.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE auditoria_auditentry DISABLE TRIGGER auditoria_append_only")
        cursor.execute("UPDATE auditoria_auditentry SET purpose = %s WHERE id = %s", [purpose, entry_id])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE auditoria_auditentry ENABLE TRIGGER auditoria_append_only")


def test_entries_link_each_to_the_previous_hash():
    # given five entries
    entries = _write_entries(5)
    # then each points at the hash of the one before, and the chain verifies
    assert entries[0].prev_hash == "0" * 64
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash
    assert audit_chain_verify().ok
    assert audit_chain_verify().checked == 5


def test_audit_verify_reports_the_first_altered_entry(capsys):
    # given a chain in which the third entry's purpose was changed afterwards
    entries = _write_entries(6)
    _tamper(entries[2].pk, "otra finalidad")
    # when an operator runs audit_verify
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    # then it exits 1 naming that entry
    assert exit_info.value.code == 1
    assert f"id={entries[2].pk}" in capsys.readouterr().out


def test_audit_verify_exits_zero_on_a_whole_chain(capsys):
    _write_entries(3)
    call_command("audit_verify")
    assert "OK" in capsys.readouterr().out


def test_a_rolled_back_change_leaves_no_audit_entry():
    # given a change that fails after recording its audit entry
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            audit_record(actor="test", action="rim.person_update", object_type="rim.person", object_id=1)
            raise RuntimeError("the change failed")
    # then the entry went with it
    assert not AuditEntry.objects.filter(action="rim.person_update").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete():
    entry = _write_entries(1)[0]
    for sql in ("UPDATE auditoria_auditentry SET purpose='x' WHERE id=%s", "DELETE FROM auditoria_auditentry WHERE id=%s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).purpose == "control migratorio"


def test_person_access_log_lists_reads_of_that_person_only():
    _write_entries(6)
    audit_record(actor="test", action="rim.person_update", kind="write", person_id=100)
    reads = list(person_access_log(person_id=100))
    assert len(reads) == 2
    assert all(e.purpose == "control migratorio" for e in reads)
