"""Reads of biometric data: every decryption goes through here and is audited with its purpose."""
from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import QuerySet

from auditoria.services import audit_record
from core.actor import Actor

from .audit_actions import AuditAction
from .crypto import Sealed, unseal
from .models import DuplicateCase, Enrollment, FingerRecord, SecureBlob


def _read(*, actor: Actor, blob: SecureBlob, enrollment: Enrollment, purpose: str, detail: dict | None = None) -> bytes:
    if not purpose.strip():
        raise ValueError("every read of biometric data states its purpose")
    audit_record(actor=actor, action=AuditAction.READ_BY_KIND[blob.kind], kind="read", obj=enrollment,
                 person_id=enrollment.person_id, purpose=purpose, details=detail or {})
    return unseal(Sealed(blob.key_id, bytes(blob.ciphertext)), aad=blob.aad)


def enrollment_active(*, person_id: int) -> Enrollment | None:
    return Enrollment.objects.filter(person_id=person_id, status=Enrollment.Status.ACTIVE).first()


def enrollment_face_encoding(*, actor: Actor, enrollment: Enrollment, purpose: str) -> np.ndarray:
    raw = _read(actor=actor, blob=enrollment.face_encoding, enrollment=enrollment, purpose=purpose)
    return np.frombuffer(raw, dtype=np.float64).copy()


def enrollment_portrait(*, actor: Actor, enrollment: Enrollment, purpose: str) -> bytes:
    return _read(actor=actor, blob=enrollment.portrait, enrollment=enrollment, purpose=purpose)


def enrollment_signature(*, actor: Actor, enrollment: Enrollment, purpose: str) -> bytes | None:
    if enrollment.signature is None:
        return None
    return _read(actor=actor, blob=enrollment.signature, enrollment=enrollment, purpose=purpose)


def finger_template(*, actor: Actor, finger: FingerRecord, purpose: str) -> bytes:
    return _read(actor=actor, blob=finger.template, enrollment=finger.enrollment, purpose=purpose,
                 detail={"position": finger.position})


def finger_image(*, actor: Actor, finger: FingerRecord, purpose: str) -> bytes:
    return _read(actor=actor, blob=finger.image, enrollment=finger.enrollment, purpose=purpose,
                 detail={"position": finger.position})


def captured_fingers(*, enrollment: Enrollment) -> QuerySet[FingerRecord]:
    return enrollment.fingers.filter(status=FingerRecord.Status.CAPTURED).select_related("template", "enrollment")


def gallery_encodings(*, actor: Actor, purpose: str):
    """(enrollment id, encoding) of every active enrollment, for rebuilding the gallery.

    One audit entry covers the whole pass: it reads every person, for one stated purpose.
    """
    audit_record(actor=actor, action=AuditAction.READ_GALLERY_REBUILD, kind="read", purpose=purpose,
                 details={"active": Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).count()})
    queryset = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).select_related("face_encoding")
    for enrollment in queryset.iterator(chunk_size=2000):
        blob = enrollment.face_encoding
        raw = unseal(Sealed(blob.key_id, bytes(blob.ciphertext)), aad=blob.aad)
        yield enrollment.pk, np.frombuffer(raw, dtype=np.float64)


def duplicate_cases_open(*, office_id: int) -> QuerySet[DuplicateCase]:
    """Open cases of enrollments captured at the sede (duplicates and replacements)."""
    return (DuplicateCase.objects.filter(status=DuplicateCase.Status.OPEN, enrollment__office_id=office_id)
            .select_related("enrollment__person", "matched_enrollment__person"))


def case_for_office(*, case_id: int, office_id: int) -> DuplicateCase | None:
    """A case of the sede's enrollment, else None (another sede's case is not shown)."""
    return (DuplicateCase.objects.select_related("enrollment__person", "matched_enrollment__person")
            .filter(pk=case_id, enrollment__office_id=office_id).first())


def enrollment_for_office(*, enrollment_id: int, office_id: int) -> Enrollment | None:
    """An enrollment the sede's staff may see: captured there, or the record one of its cases compares with."""
    enrollment = Enrollment.objects.select_related("person", "portrait").filter(pk=enrollment_id).first()
    if enrollment is None:
        return None
    if enrollment.office_id == office_id or DuplicateCase.objects.filter(
            matched_enrollment=enrollment, enrollment__office_id=office_id).exists():
        return enrollment
    return None


def page_read_record(*, actor: Actor, action: str, person_ids: list[int | None], purpose: str, obj: Any = None) -> None:
    """Audit that a page showed these persons' data (one READ entry each, so each sees it)."""
    for person_id in dict.fromkeys(person_ids):  # once per person, in order
        audit_record(actor=actor, action=action, kind="read", obj=obj, person_id=person_id, purpose=purpose)


def duplicate_case_for_enrollment(*, enrollment_id: int) -> DuplicateCase | None:
    """The duplicate case a new enrollment opened, if any (for apps that wait on its decision)."""
    return DuplicateCase.objects.filter(enrollment_id=enrollment_id).select_related("matched_enrollment").first()


def enrollment_stations(*, office_id: int):
    """The sede's active enrollment stations (devices of kind ENROLLMENT)."""
    from cuentas.models import DeviceCredential

    from .stations import ENROLLMENT_KIND

    return DeviceCredential.objects.filter(office_id=office_id, kind=ENROLLMENT_KIND, active=True).order_by("key_id")


def person_records(person_id: int) -> list:
    """The person's biometric enrollments and the duplicate or replacement cases about them (rim.hooks)."""
    from django.db.models import Q
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from rim.hooks import PersonRecord

    records = []
    for enrollment in Enrollment.objects.filter(person_id=person_id).select_related("office").order_by("-created_at")[:50]:
        where = f" · {enrollment.office.name}" if enrollment.office_id else ""
        records.append(PersonRecord(
            kind=gettext_lazy("Enrolamiento biométrico"), reference=f"N.º {enrollment.pk}{where}",
            status=enrollment.get_status_display(), when=enrollment.created_at,
            url=reverse("biometria:enrollment_detail", args=[enrollment.pk])))
    cases = (DuplicateCase.objects.filter(Q(enrollment__person_id=person_id) | Q(matched_enrollment__person_id=person_id))
             .order_by("-created_at")[:50])
    for case in cases:
        records.append(PersonRecord(
            kind=case.get_kind_display(), reference=f"N.º {case.pk}", status=case.get_status_display(),
            when=case.created_at, url=reverse("biometria:case_detail", args=[case.pk])))
    return records
