"""Writes of the documents rail: issue a signed, stored, verifiable PDF; revoke it with a reason.

Two ways to put the QR on the document, both signed over by the PAdES signature:
- the builder draws it: `code = document_reserve_code()`, render the PDF with `qr.qr_text(code, vds=...)`
  (or `qr.qr_png`) and the grouped code, then `document_issue(code=code, pdf=..., ...)`;
- the rail stamps it: `document_issue(pdf=...)` without a code reserves one and draws the QR and the
  grouped code at the foot of the first page (one-page documents whose builder leaves that corner free).
"""
from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from auditoria.services import audit_record
from core.actor import Actor, actor_name, is_user
from core.errors import Conflict, PermissionDenied, ValidationFailed

from .audit_actions import AuditAction
from .codes import code_display, code_new, code_normalize
from .kinds import kind_get
from .models import Document
from .qr import qr_text, verify_page_url
from .signing import Stamp, pdf_sign

REVOKE_PERMISSION = "documentos.revoke_document"
MAX_PDF_BYTES = 20 * 1024 * 1024


def document_reserve_code() -> str:
    """A code no document has yet, for a builder that prints it (and its QR) before signing.

    Nothing is written: 70 random bits make a collision before document_issue practically
    impossible, and the unique index refuses it if it happens (Conflict, build again)."""
    while True:
        code = code_new()
        if not Document.objects.filter(code=code).exists():
            return code


def _storage_path(document_code: str, when) -> str:
    return f"documentos/{when:%Y/%m}/{document_code}.pdf"


@transaction.atomic
def document_issue(*, kind: str, pdf: bytes, facts: dict, record_kind: str, record_id: int | str,
                   person=None, vds: bytes | str | None = None, code: str | None = None,
                   reason: str = "", actor: Actor) -> Document:
    """Sign `pdf` (PAdES B-B), store it with its SHA-256 and return the Document anyone can check.

    `facts` are what /verificar/ shows, only keys the kind allows. `person` is a RIM person (or its
    id) for the audit trail. `vds` (the seal's text) goes into the stamped QR after the address; a
    builder that drew its own QR passes `code` (from document_reserve_code) and its VDS, if any.
    """
    document_kind = kind_get(kind)
    public = document_kind.check_facts(facts)
    if not pdf.startswith(b"%PDF") or len(pdf) > MAX_PDF_BYTES:
        raise ValidationFailed("pdf: not a PDF, or larger than the rail signs", fields={"pdf": "invalid"})
    if code is None:
        code = document_reserve_code()
        stamp = Stamp(qr_text=qr_text(code, vds=vds), caption=f"{verify_page_url()}\n{code_display(code)}")
        signed = pdf_sign(pdf, stamp=stamp, reason=str(document_kind.label_en))
    else:
        code = code_normalize(code) or ""
        if not code:
            raise ValidationFailed("code: not a verification code", fields={"code": "invalid"})
        signed = pdf_sign(pdf, reason=str(document_kind.label_en))
    now = timezone.now()
    person_id = getattr(person, "pk", person)
    document = Document(
        kind=kind, code=code, sha256=hashlib.sha256(signed).hexdigest(), size=len(signed), facts=public,
        has_seal=bool(vds), record_kind=record_kind[:40], record_id=str(record_id)[:40],
        person_id=person_id, issued_at=now, issued_by=actor_name(actor),
    )
    document.file = _storage_path(code, now)
    document.full_clean(exclude=["code"])
    try:
        with transaction.atomic():
            document.save(force_insert=True)
    except IntegrityError:
        raise Conflict("code: already used by another document; build the document again") from None
    # The file is written last: a failed insert leaves nothing behind (storage is not transactional).
    document.file = default_storage.save(document.file, ContentFile(signed))
    Document.objects.filter(pk=document.pk).update(file=document.file)
    audit_record(actor=actor, action=AuditAction.ISSUE, obj=document, person_id=person_id,
                 details={"kind": kind, "record": f"{document.record_kind}:{document.record_id}"})
    return document


@transaction.atomic
def document_revoke(*, document: Document, reason: str, actor: Actor) -> Document:
    """Revoke a document: /verificar/ says REVOKED with the date and reason from now on."""
    # A person must hold the permission; a system actor (a service superseding its own document) may.
    if not isinstance(actor, str) and actor is not None and not (
            is_user(actor) and actor.has_perm(REVOKE_PERMISSION)):  # type: ignore[union-attr]
        raise PermissionDenied("revoking a document needs the permission to revoke documents")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason: required", fields={"reason": "required"})
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at is not None:
        raise Conflict("document: already revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_reason = reason[:300]
    locked.revoked_by = actor_name(actor)
    locked.full_clean()
    locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    audit_record(actor=actor, action=AuditAction.REVOKE, obj=locked, person_id=locked.person_id,
                 details={"kind": locked.kind, "reason": locked.revoked_reason})
    return locked
