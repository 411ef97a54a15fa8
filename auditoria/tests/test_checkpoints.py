"""Attacks on the audit chain by someone who controls the database but not the portal's keys:
cutting its end, truncating it, re-hashing it, forging a checkpoint. Each must make audit_verify fail."""
import hashlib
import json
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from auditoria.chain import GENESIS_HASH, ChainKey, canonical, key_id_of, unkeyed_link
from auditoria.checkpoints import checkpoint_dir
from auditoria.models import AuditEntry
from auditoria.services import audit_record
from auditoria.tasks import audit_checkpoint_task

pytestmark = pytest.mark.django_db
ON_PG = connection.vendor == "postgresql"


def _write_entries(n: int, start: int = 0) -> list[AuditEntry]:
    return [
        audit_record(actor="test", action="rim.person_get", kind="read", object_type="rim.person",
                     object_id=i, person_id=100 + i, purpose="control migratorio", details={"i": i})
        for i in range(start, start + n)
    ]


@contextmanager
def _as_table_owner():
    """A cursor with the rights of the table's owner, triggers off: the attacker of these tests."""
    with connection.cursor() as cursor:
        if ON_PG:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE auditoria_auditentry DISABLE TRIGGER USER")
        yield cursor
        if ON_PG:
            cursor.execute("ALTER TABLE auditoria_auditentry ENABLE TRIGGER USER")


def _verify(capsys) -> tuple[int, str]:
    try:
        call_command("audit_verify")
        code = 0
    except SystemExit as exit_info:
        code = exit_info.code
    return code, capsys.readouterr().out


def _checkpoint(capsys) -> str:
    call_command("audit_checkpoint")
    return capsys.readouterr().out


def test_a_checkpoint_is_a_signed_file_outside_the_database(capsys):
    # given a chain of 4 entries
    entries = _write_entries(4)
    # when an operator signs a checkpoint
    out = _checkpoint(capsys)
    # then one read-only file holds the count and the head, with a MAC, and the chain verifies against it
    assert "OK" in out and "4 entradas" in out
    files = list(checkpoint_dir().glob("*.json"))
    assert len(files) == 1 and (files[0].stat().st_mode & 0o222) == 0
    data = json.loads(files[0].read_text())
    assert (data["count"], data["last_id"], data["head"]) == (4, entries[-1].pk, entries[-1].hash)
    assert len(data["mac"]) == 64
    code, out = _verify(capsys)
    assert code == 0 and "contiene el punto de control" in out


def test_deleting_the_last_entries_fails_against_the_checkpoint(capsys):
    # given 10 entries under a checkpoint
    entries = _write_entries(10)
    _checkpoint(capsys)
    # when the last 3 are deleted with the owner's rights (the chain that is left is a whole prefix)
    with _as_table_owner() as cursor:
        cursor.execute("DELETE FROM auditoria_auditentry WHERE id > %s", [entries[6].pk])
    # then audit_verify exits 1, saying entries are missing
    code, out = _verify(capsys)
    assert code == 1
    assert "7 entradas" in out and "registró 10" in out and "faltan entradas" in out


def test_deleting_the_last_entries_then_appending_fails_as_rewritten(capsys):
    # given 10 entries under a checkpoint, whose last 3 are deleted
    entries = _write_entries(10)
    _checkpoint(capsys)
    with _as_table_owner() as cursor:
        cursor.execute("DELETE FROM auditoria_auditentry WHERE id > %s", [entries[6].pk])
    # when the portal goes on appending (the count is back above the checkpoint's)
    _write_entries(5, start=50)
    # then the entry the checkpoint names is not where it was: the chain was rewritten
    code, out = _verify(capsys)
    assert code == 1 and "fue reescrita" in out
    # and no new checkpoint will sign over the cut
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_checkpoint")
    assert exit_info.value.code == 1
    assert "ROTA" in capsys.readouterr().out
    assert len(list(checkpoint_dir().glob("*.json"))) == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_PG, reason="the TRUNCATE trigger exists on PostgreSQL only")
def test_postgresql_refuses_truncate_even_to_a_superuser():
    # given entries in the audit table
    _write_entries(3)
    # when the database's superuser truncates it
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, done
            cursor.execute("TRUNCATE auditoria_auditentry")
    # then the entries are still there
    assert AuditEntry.objects.count() == 3


def test_emptying_the_table_past_the_trigger_fails_against_the_checkpoint(capsys):
    # given 6 entries under a checkpoint
    _write_entries(6)
    _checkpoint(capsys)
    # when the owner turns the triggers off and empties the table
    with _as_table_owner() as cursor:
        cursor.execute("TRUNCATE auditoria_auditentry" if ON_PG else "DELETE FROM auditoria_auditentry")
    assert AuditEntry.objects.count() == 0
    # then audit_verify fails: the checkpoint recorded 6
    code, out = _verify(capsys)
    assert code == 1 and "0 entradas" in out and "registró 6" in out


def _rehash_all(link, key_id: str, *, purpose_of_third: str) -> None:
    """Rewrite the third entry and recompute every hash in order, as an attacker would."""
    prev = GENESIS_HASH
    with _as_table_owner() as cursor:
        for position, entry in enumerate(AuditEntry.objects.order_by("id")):
            if position == 2:
                entry.purpose = purpose_of_third
            new_hash = link(canonical(
                created_at=entry.created_at, actor_id=entry.actor_id, actor_repr=entry.actor_repr, kind=entry.kind,
                action=entry.action, object_type=entry.object_type, object_id=entry.object_id,
                person_id=entry.person_id, purpose=entry.purpose, details=entry.details), prev)
            cursor.execute("UPDATE auditoria_auditentry SET purpose=%s, prev_hash=%s, hash=%s, key_id=%s WHERE id=%s",
                           [entry.purpose, prev, new_hash, key_id, entry.pk])
            prev = new_hash


_GUESSED = ChainKey(key_id_of(b"a guessed key"), b"a guessed key")
REHASHES = {
    "plain SHA-256, as before keyed hashing": (unkeyed_link, ""),
    "a guessed key under the real key's id": (_GUESSED.link, None),
    "a guessed key under its own id": (_GUESSED.link, _GUESSED.key_id),
}


@pytest.mark.parametrize("how", REHASHES)
@pytest.mark.parametrize("with_checkpoint", [False, True], ids=["no checkpoint", "checkpoint"])
def test_rewriting_and_rehashing_the_whole_chain_without_the_key_fails(how, with_checkpoint, capsys):
    # given 6 entries (and, in one case, a checkpoint over them)
    entries = _write_entries(6)
    if with_checkpoint:
        _checkpoint(capsys)
    # when the third entry's purpose is changed and the whole chain re-hashed without AUDIT_HMAC_KEY
    link, key_id = REHASHES[how]
    _rehash_all(link, entries[0].key_id if key_id is None else key_id, purpose_of_third="otra finalidad")
    # then audit_verify exits 1
    code, out = _verify(capsys)
    assert code == 1, out
    assert "ROTA" in out


def test_a_forged_checkpoint_fails_verification(capsys):
    # given a checkpoint whose count someone lowered in the file (to cover a cut chain)
    _write_entries(5)
    _checkpoint(capsys)
    path = next(checkpoint_dir().glob("*.json"))
    data = json.loads(path.read_text())
    path.chmod(0o640)
    path.write_text(json.dumps({**data, "count": 5, "head": hashlib.sha256(b"x").hexdigest()}))
    # when audit_verify runs, then it refuses the checkpoint's signature
    code, out = _verify(capsys)
    assert code == 1 and "firma inválida" in out


def test_entries_made_under_a_retired_key_still_verify(settings, capsys):
    # given entries under one key, then the key rotated (the old one kept to verify)
    _write_entries(3)
    old = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY, settings.AUDIT_HMAC_OLD_KEYS = "a-new-audit-key-" + "n" * 32, [old]
    _write_entries(2, start=10)
    _checkpoint(capsys)
    # then the whole chain verifies
    assert _verify(capsys)[0] == 0
    # but without the old key its entries cannot be verified
    settings.AUDIT_HMAC_OLD_KEYS = []
    code, out = _verify(capsys)
    assert code == 1 and "clave HMAC desconocida" in out


def _insert_unkeyed(n: int) -> None:
    """Entries as the portal wrote them before keyed hashing (plain SHA-256, no key id)."""
    prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    for i in range(n):
        entry = AuditEntry(created_at=timezone.now(), actor_repr="antes", kind="read", action="rim.person_get",
                           object_id=str(i), details={})
        entry.prev_hash = prev
        entry.hash = prev = unkeyed_link(canonical(
            created_at=entry.created_at, actor_id=None, actor_repr=entry.actor_repr, kind=entry.kind,
            action=entry.action, object_type="", object_id=entry.object_id, person_id=None, purpose="",
            details={}), prev)
        entry.save(force_insert=True)


def test_entries_from_before_keyed_hashing_verify_once_a_checkpoint_recognises_them(capsys):
    # given entries written before the upgrade (plain SHA-256)
    _insert_unkeyed(3)
    # then until a checkpoint recognises them audit_verify says so
    code, out = _verify(capsys)
    assert code == 1 and "ningún punto de control" in out
    # when the operator signs the first checkpoint after the upgrade, and the portal appends keyed entries
    _checkpoint(capsys)
    _write_entries(2)
    # then the chain verifies
    assert _verify(capsys)[0] == 0
    # and a plain SHA-256 entry appended afterwards (one forged without the key) does not
    _insert_unkeyed(1)
    code, out = _verify(capsys)
    assert code == 1 and "sin clave HMAC" in out


def test_the_beat_task_writes_a_checkpoint_on_schedule():
    # given entries, and the beat schedule of the settings
    _write_entries(2)
    schedule = settings.CELERY_BEAT_SCHEDULE["auditoria-checkpoint"]
    assert schedule["task"] == "auditoria.tasks.audit_checkpoint_task"
    assert schedule["schedule"] == settings.AUDIT_CHECKPOINT_INTERVAL_S
    # when the task runs
    assert audit_checkpoint_task.delay().get() == 2
    # then a checkpoint file exists
    assert len(list(checkpoint_dir().glob("*.json"))) == 1
