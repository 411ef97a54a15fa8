"""Reads of the documents rail: a document by its code or record, its PDF (audited), an uploaded PDF checked."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.storage import default_storage

from auditoria.services import audit_record
from core.actor import Actor
from core.errors import NotFound

from .audit_actions import AuditAction
from .codes import code_normalize
from .kinds import FACT_LABELS, kind_get
from .models import Document
from .signing import pdf_signature_check


def document_by_code(code: str) -> Document | None:
    """The document of a typed or scanned code (any case, spaces or dashes), or None."""
    normalized = code_normalize(code)
    if normalized is None:
        return None
    return Document.objects.filter(code=normalized).first()


def document_for_record(*, kind: str, record_kind: str, record_id: int | str,
                        include_revoked: bool = False) -> Document | None:
    """The newest unrevoked document of a record (a TAM, a case), or None; with `include_revoked`,
    the newest of any state (a page that must say a record's document was revoked)."""
    documents = Document.objects.filter(kind=kind, record_kind=record_kind, record_id=str(record_id))
    if not include_revoked:
        documents = documents.filter(revoked_at__isnull=True)
    return documents.order_by("-issued_at", "-id").first()


def document_pdf(document: Document, *, actor: Actor, purpose: str) -> bytes:
    """The signed PDF as stored; the read is audited for the person it belongs to."""
    try:
        with default_storage.open(document.file, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise NotFound("document: its file is missing from the storage") from None
    audit_record(actor=actor, action=AuditAction.PDF, kind="read", obj=document, person_id=document.person_id,
                 purpose=purpose, details={"kind": document.kind})
    return data


@dataclass(frozen=True)
class PublicView:
    """What /verificar/ shows of a document: its status and its kind's key facts, nothing more."""

    status: str  # VALID, REVOKED
    kind_code: str
    kind_label: str
    code_display: str
    issued_at: object
    facts: list[tuple[str, str]]  # (label, value) in the kind's order, for the page
    fact_items: list[tuple[str, str]]  # (key, value), for the API
    revoked_at: object = None
    revoked_reason: str = ""
    has_seal: bool = False


PUBLIC_CHECK_PURPOSE = "verificación pública del documento"


def document_verify(code: str, *, actor: Actor, via: str) -> PublicView | None:
    """/verificar/'s look-up: the public view of the code's document, or None. A hit is a read of
    the holder's (masked) data, so it is audited for them: the person sees every check."""
    document = document_by_code(code)
    if document is None:
        return None
    audit_record(actor=actor, action=AuditAction.VERIFY, kind="read", obj=document, person_id=document.person_id,
                 purpose=PUBLIC_CHECK_PURPOSE, details={"kind": document.kind, "via": via})
    return document_public_view(document)


def document_public_view(document: Document) -> PublicView:
    kind = kind_get(document.kind)
    items = [(key, document.facts[key]) for key in kind.facts if key in document.facts]
    return PublicView(
        status="REVOKED" if document.is_revoked else "VALID", kind_code=kind.code, kind_label=str(kind.label),
        code_display=document.code_display, issued_at=document.issued_at,
        facts=[(str(FACT_LABELS[key]), value) for key, value in items], fact_items=items,
        revoked_at=document.revoked_at, revoked_reason=document.revoked_reason, has_seal=document.has_seal,
    )


@dataclass(frozen=True)
class UploadCheck:
    document: Document | None  # the stored document the file is, when its hash matches one
    signature_valid: bool
    reason: str

    @property
    def valid(self) -> bool:
        return self.document is not None and self.signature_valid


def document_check_upload(pdf: bytes) -> UploadCheck:
    """An uploaded PDF is ours only if its SHA-256 is a stored document's AND its signature validates."""
    digest = hashlib.sha256(pdf).hexdigest()
    document = Document.objects.filter(sha256=digest).first()
    if document is None:
        return UploadCheck(None, False, "unknown hash")
    check = pdf_signature_check(pdf)
    return UploadCheck(document, check.valid, check.reason)


def document_verify_upload(pdf: bytes, *, actor: Actor) -> tuple[UploadCheck, PublicView | None]:
    """/verificar/'s file check, audited like a look-up by code when the file is one of ours."""
    check = document_check_upload(pdf)
    if not check.valid:
        return check, None
    audit_record(actor=actor, action=AuditAction.VERIFY, kind="read", obj=check.document,
                 person_id=check.document.person_id, purpose=PUBLIC_CHECK_PURPOSE,
                 details={"kind": check.document.kind, "via": "file"})
    return check, document_public_view(check.document)
