"""The portal's eMRTD trust anchors: the CSCA certificates passive authentication and seals rely on.

Two places hold them. The trust store (MRTD_PKI_DIR/truststore/store.json, managed with
`manage.py trust_store import|list|expire`) keeps master lists, loose CSCAs and CRLs, each with its
source, date and expiry. While it is empty, the files dropped in MRTD_PKI_DIR/masterlists/ are
trusted as before; once it holds anchors it is the one list (with the portal's own CSCA).
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from auditoria.services import audit_record
from mrtd.errors import PKIError
from mrtd.pki import TestPKI, certificates_from_file, init_test_pki, load_pki, parse_master_list
from mrtd.trust import ImportReport, TrustStore

from .audit_actions import AuditAction

logger = logging.getLogger(__name__)
# Extra trust anchors dropped beside the portal's PKI: ICAO master lists (*.ml) and CSCA certificates.
MASTER_LIST_GLOB = "masterlists/*.ml"
EXTRA_CSCA_GLOB = "masterlists/*.pem"


@functools.lru_cache(maxsize=4)
def _pki_for(directory: str) -> TestPKI:
    path = Path(directory)
    if not (path / "csca.pem").exists():
        if settings.PRODUCTION:
            raise PKIError(f"MRTD_PKI_DIR: no CSCA in {path}; production never creates one")
        # Development and tests: the portal's own test CSCA and Document Signer, made once.
        logger.warning("creating a test PKI in %s", path)
        return init_test_pki(path)
    return load_pki(path)


def portal_pki() -> TestPKI:
    """The Peruvian CSCA and the Document Signer that signs passports and seals (TAM)."""
    return _pki_for(str(settings.MRTD_PKI_DIR))


@functools.lru_cache(maxsize=4)
def _anchors_for(directory: str) -> tuple[bytes, ...]:
    anchors = [_pki_for(directory).csca_cert_der]
    root = Path(directory)
    for ml in sorted(root.glob(MASTER_LIST_GLOB)):
        anchors.extend(parse_master_list(ml.read_bytes()))
    for pem in sorted(root.glob(EXTRA_CSCA_GLOB)):
        anchors.extend(certificates_from_file(pem.read_bytes(), what=pem.name))
    return tuple(anchors)


def csca_certificates() -> list[bytes]:
    """Every trusted CSCA (DER): the portal's own and those of the master lists beside it."""
    return list(_anchors_for(str(settings.MRTD_PKI_DIR)))


def reset_cache() -> None:
    """Forget loaded anchors (tests switch MRTD_PKI_DIR; operators add a master list)."""
    _pki_for.cache_clear()
    _anchors_for.cache_clear()
    _store_at.cache_clear()


# ---------------------------------------------------------------- the trust store


def trust_store_path() -> Path:
    return Path(settings.MRTD_PKI_DIR) / "truststore" / "store.json"


@functools.lru_cache(maxsize=4)
def _store_at(path: str, mtime_ns: int, size: int) -> TrustStore:
    # Keyed by the file's mtime and size: an import by the command reaches the running servers.
    return TrustStore.load(path)


def trust_store() -> TrustStore:
    """The saved trust store (empty when nothing was imported yet)."""
    path = trust_store_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return TrustStore()
    return _store_at(str(path), stat.st_mtime_ns, stat.st_size)


def pa_anchors() -> tuple[list[bytes], TrustStore | None]:
    """What passive authentication trusts: (CSCA certificates, trust store or None)."""
    store = trust_store()
    if not len(store):
        return csca_certificates(), None
    return [portal_pki().csca_cert_der], store


@contextlib.contextmanager
def _locked_store() -> Iterator[TrustStore]:
    """The store, read under an exclusive lock, for one change written back whole."""
    path = trust_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield TrustStore.load(path)


@transaction.atomic
def trust_store_import(*, actor, data: bytes, source: str, now: datetime | None = None) -> ImportReport:
    """Import a master list, CSCA certificate(s), CRL(s) or PKD LDIF file into the trust store.

    PKIError (nothing stored) when a master list's signature or signer fails, or the file holds
    nothing usable. The audit entry is written in the same transaction as the store is saved.
    """
    with _locked_store() as store:
        report = store.import_file(data, source=source, now=now)
        audit_record(actor=actor, action=AuditAction.TRUST_STORE_IMPORT, object_type="mrtd.trust_store",
                     object_id=source[:100], details={
                         "source": source, "anchors_added": report.anchors_added,
                         "anchors_known": len(report.anchors_known), "crls_added": report.crls_added,
                         "master_lists": [{"id": m.id, "signer": m.signer, "verified_by": m.signer_verified_by,
                                           "certificates": m.certificates} for m in report.master_lists],
                         "skipped": report.skipped,
                     })
        store.save(trust_store_path())
    return report


@transaction.atomic
def trust_store_expire(*, actor, entry_id: str, now: datetime | None = None) -> list[str]:
    """Stop trusting an anchor, a master list or a CRL of the store; the ids expired."""
    with _locked_store() as store:
        expired = store.expire(entry_id, now=now)
        audit_record(actor=actor, action=AuditAction.TRUST_STORE_EXPIRE, object_type="mrtd.trust_store",
                     object_id=entry_id, details={"expired": expired})
        store.save(trust_store_path())
    return expired
