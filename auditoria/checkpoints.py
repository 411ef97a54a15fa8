"""Signed checkpoints of the audit chain (count, last id, head hash), one file each, outside the database.

A checkpoint is written by the `audit_checkpoint` command and a beat task into AUDIT_CHECKPOINT_DIR
(a directory the database cannot reach: in production, an append-only mount). It is signed with
the chain's HMAC key, which lives in the environment, so whoever controls the database can neither
forge one nor shorten or re-hash the chain behind one without `audit_verify` noticing.
"""
import hmac
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

from .keys import current_key, key_by_id

_NAME = re.compile(r"^(\d{15})-(\d{8}T\d{12}Z)\.json$")
VERSION = 1


class CheckpointInvalid(Exception):
    """A checkpoint file that is not what this portal wrote: unreadable, altered or signed by no known key."""


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int | None
    head: str
    written_at: str  # ISO 8601, UTC
    key_id: str
    # How many entries at the chain's start predate keyed hashing (plain SHA-256): the first
    # checkpoint after the upgrade recognises them; no later entry may be unkeyed.
    unkeyed: int = 0
    mac: str = ""

    def payload(self) -> bytes:
        body = {k: v for k, v in asdict(self).items() if k != "mac"}
        return json.dumps({"version": VERSION, **body}, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def checkpoint_write(*, count: int, last_id: int | None, head: str, unkeyed: int, written_at) -> Path:
    """Sign and store a new checkpoint; an existing file is never replaced."""
    key = current_key()
    unsigned = Checkpoint(count=count, last_id=last_id, head=head, unkeyed=unkeyed,
                          written_at=written_at.isoformat(timespec="microseconds"), key_id=key.key_id)
    signed = Checkpoint(**{**asdict(unsigned), "mac": key.sign(unsigned.payload())})
    directory = checkpoint_dir()
    directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    name = f"{count:015d}-{written_at.strftime('%Y%m%dT%H%M%S%f')}Z.json"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump({"version": VERSION, **asdict(signed)}, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o440)
        os.link(tmp, directory / name)  # fails if the name exists: a checkpoint is written once
    finally:
        os.unlink(tmp)
    return directory / name


def checkpoint_latest() -> Checkpoint | None:
    """The checkpoint with the highest count, its signature checked; None if there is none yet."""
    directory = checkpoint_dir()
    if not directory.is_dir():
        return None
    names = sorted(n for n in os.listdir(directory) if _NAME.match(n))
    if not names:
        return None
    return _read(directory / names[-1])


def _read(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text())
        checkpoint = Checkpoint(count=int(data["count"]), last_id=data["last_id"], head=str(data["head"]),
                                written_at=str(data["written_at"]), key_id=str(data["key_id"]),
                                unkeyed=int(data["unkeyed"]), mac=str(data["mac"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointInvalid(f"punto de control ilegible: {path.name}") from exc
    key = key_by_id(checkpoint.key_id)
    if key is None:
        raise CheckpointInvalid(f"punto de control firmado con una clave desconocida: {path.name}")
    if not hmac.compare_digest(key.sign(checkpoint.payload()), checkpoint.mac) or int(_NAME.match(path.name)[1]) != checkpoint.count:
        raise CheckpointInvalid(f"punto de control con firma inválida: {path.name}")
    return checkpoint
