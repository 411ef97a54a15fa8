"""Writes and decisions of biometria: enrollment with de-duplication, verification, identification, cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from migraciones.errors import Conflict, NotFound, ValidationFailed

from . import selectors
from .crypto import seal
from .engine import (
    FACE_THRESHOLD,
    FaceCapture,
    FingerCapture,
    MatchDecision,
    MissingFinger,
    capture_face,
    compare_faces,
    compare_fingers,
    find_embedded_image,
)
from .engine.matching import face_score_from_distance
from .gallery import gallery_search, get_gallery
from .models import DuplicateCase, Enrollment, EnrollmentEvent, FingerRecord, SecureBlob

MIN_FINGERS = {Enrollment.DocumentKind.PASAPORTE: 2}
SIGNATURE_REQUIRED = {Enrollment.DocumentKind.PASAPORTE}
ALL_POSITIONS = 10
# 1:N lists candidates a little below the 1:1 threshold so fingerprints can confirm or clear them.
IDENTIFY_FACE_THRESHOLD = FACE_THRESHOLD - 0.05
DEDUP_PURPOSE = "deduplicación al enrolar"
GALLERY_PURPOSE = "mantenimiento del índice 1:N"


@dataclass(frozen=True)
class EnrollmentOutcome:
    enrollment: Enrollment
    duplicate_case: DuplicateCase | None


@dataclass(frozen=True)
class IdentifyCandidate:
    person_id: int
    enrollment_id: int
    face: MatchDecision
    fingers: dict[int, MatchDecision] = field(default_factory=dict)

    @property
    def decision(self) -> bool:
        """A face match, confirmed by a fingerprint whenever fingers were compared."""
        if not self.face.decision:
            return False
        return any(f.decision for f in self.fingers.values()) if self.fingers else True

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id, "enrollment_id": self.enrollment_id, "decision": self.decision,
            "face": self.face.as_dict(), "fingers": {str(p): d.as_dict() for p, d in self.fingers.items()},
        }


def _actor_repr(actor: Any) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else str(actor or "sistema")


def _user_or_none(actor: Any):
    return actor if getattr(actor, "is_authenticated", False) else None


def _store(kind: str, plaintext: bytes) -> SecureBlob:
    blob = SecureBlob(kind=kind)
    sealed = seal(plaintext, aad=blob.aad)
    blob.key_id, blob.ciphertext = sealed.key_id, sealed.data
    blob.full_clean()
    blob.save()
    return blob


# ---- enrollment ------------------------------------------------------------------------------
def _check_enrollment_input(*, document_kind: str, face: FaceCapture, fingers: Sequence[FingerCapture],
                            missing_fingers: Sequence[MissingFinger], signature_png: bytes | None) -> None:
    if document_kind not in Enrollment.DocumentKind.values:
        raise ValidationFailed(_("Tipo de documento no válido."), fields={"document_kind": document_kind})
    if not face.quality.acceptable:
        failed = ", ".join(f"{c.label}: {c.value} (límite {c.limit})" for c in face.quality.failed if c.blocking)
        raise ValidationFailed(_("La foto no cumple la calidad requerida."), fields={"face": failed},
                               extra={"quality": face.quality.as_dict()})
    positions = [int(f.position) for f in fingers] + [int(m.position) for m in missing_fingers]
    if len(positions) != len(set(positions)):
        raise ValidationFailed(_("Cada dedo se registra una sola vez."), fields={"fingers": _("posición repetida")})
    needed = MIN_FINGERS.get(document_kind, 0)
    # A person who cannot give the minimum (every other finger recorded missing) may still enroll.
    if len(fingers) < needed and len(positions) < ALL_POSITIONS:
        raise ValidationFailed(
            _("Se requieren al menos %(n)d huellas para este documento.") % {"n": needed},
            fields={"fingers": _("capturadas: %(got)d; registre el motivo de los dedos faltantes") % {"got": len(fingers)}},
        )
    if document_kind in SIGNATURE_REQUIRED and not signature_png:
        raise ValidationFailed(_("Falta la firma (DG7)."), fields={"signature": _("requerida para el pasaporte")})


@transaction.atomic
def enrollment_create(
    *,
    actor: Any,
    person_id: int,
    document_kind: str,
    face: FaceCapture,
    fingers: Sequence[FingerCapture] = (),
    missing_fingers: Sequence[MissingFinger] = (),
    signature_png: bytes | None = None,
) -> EnrollmentOutcome:
    """Store an enrollment; a face matching another identity opens a DuplicateCase instead of going on."""
    from rim.models import Person

    if not Person.objects.filter(pk=person_id).exists():
        raise NotFound(_("La persona no existe en el RIM."), fields={"person_id": str(person_id)})
    _check_enrollment_input(document_kind=document_kind, face=face, fingers=fingers,
                            missing_fingers=missing_fingers, signature_png=signature_png)
    duplicate = _find_duplicate(actor=actor, person_id=person_id, face=face, fingers=fingers)
    enrollment = Enrollment(
        person_id=person_id, document_kind=document_kind,
        status=Enrollment.Status.PENDING_REVIEW if duplicate else Enrollment.Status.ACTIVE,
        face_encoding=_store(SecureBlob.Kind.FACE_ENCODING, np.asarray(face.encoding, dtype=np.float64).tobytes()),
        portrait=_store(SecureBlob.Kind.PORTRAIT, face.portrait_jpeg),
        signature=_store(SecureBlob.Kind.SIGNATURE, signature_png) if signature_png else None,
        face_quality=face.quality.as_dict(), created_by=_user_or_none(actor),
    )
    if not duplicate:
        _supersede_active(actor=actor, person_id=person_id)
    enrollment.full_clean()
    enrollment.save()
    _store_fingers(enrollment, fingers, missing_fingers)
    EnrollmentEvent.objects.create(enrollment=enrollment, to_status=enrollment.status, actor_repr=_actor_repr(actor))
    audit_record(actor=actor, action="biometria.enroll", obj=enrollment, person_id=person_id,
                 details={"document_kind": document_kind, "status": enrollment.status,
                          "fingers": [int(f.position) for f in fingers],
                          "missing": {int(m.position): str(m.reason) for m in missing_fingers}})
    case = _open_case(actor=actor, enrollment=enrollment, duplicate=duplicate) if duplicate else None
    if enrollment.status == Enrollment.Status.ACTIVE:
        _sync_gallery_after_commit(enrollment.pk)
    return EnrollmentOutcome(enrollment, case)


def _store_fingers(enrollment: Enrollment, fingers: Sequence[FingerCapture],
                   missing_fingers: Sequence[MissingFinger]) -> None:
    for finger in fingers:
        record = FingerRecord(
            enrollment=enrollment, position=int(finger.position), status=FingerRecord.Status.CAPTURED,
            nfiq2=finger.nfiq2, minutiae_count=finger.minutiae_count,
            template=_store(SecureBlob.Kind.FINGER_TEMPLATE, finger.iso_template),
            image=_store(SecureBlob.Kind.FINGER_IMAGE, finger.image_png),
        )
        record.full_clean()
        record.save()
    for missing in missing_fingers:
        record = FingerRecord(enrollment=enrollment, position=int(missing.position),
                              status=FingerRecord.Status.MISSING, missing_reason=str(missing.reason),
                              note=missing.note[:200])
        record.full_clean()
        record.save()


@dataclass(frozen=True)
class _Duplicate:
    matched: Enrollment
    face_score: float
    finger_scores: dict[int, MatchDecision]


def _find_duplicate(*, actor: Any, person_id: int, face: FaceCapture,
                    fingers: Sequence[FingerCapture]) -> _Duplicate | None:
    for candidate in gallery_search(face.encoding, k=5, max_distance=1 - FACE_THRESHOLD):
        score = face_score_from_distance(candidate.distance)
        if score < FACE_THRESHOLD:
            break
        # The gallery may lag the database by a commit; the database has the last word on status.
        matched = (Enrollment.objects.filter(pk=candidate.item_id, status=Enrollment.Status.ACTIVE)
                   .exclude(person_id=person_id).first())
        if matched is not None:
            scores = _finger_scores(actor=actor, enrollment=matched, fingers=fingers, purpose=DEDUP_PURPOSE)
            return _Duplicate(matched, score, scores)
    return None


def _finger_scores(*, actor: Any, enrollment: Enrollment, fingers: Sequence[FingerCapture],
                   purpose: str) -> dict[int, MatchDecision]:
    probes = {int(f.position): f for f in fingers}
    scores: dict[int, MatchDecision] = {}
    for record in selectors.captured_fingers(enrollment=enrollment).filter(position__in=list(probes)):
        enrolled = selectors.finger_template(actor=actor, finger=record, purpose=purpose)
        scores[record.position] = compare_fingers(probes[record.position].iso_template, enrolled)
    return scores


def _open_case(*, actor: Any, enrollment: Enrollment, duplicate: _Duplicate) -> DuplicateCase:
    case = DuplicateCase(
        enrollment=enrollment, matched_enrollment=duplicate.matched, face_score=duplicate.face_score,
        finger_scores={str(p): d.as_dict() for p, d in duplicate.finger_scores.items()},
    )
    case.full_clean()
    case.save()
    audit_record(actor=actor, action="biometria.duplicate_case_open", obj=case, person_id=enrollment.person_id,
                 details={"matched_person_id": duplicate.matched.person_id, "face_score": duplicate.face_score})
    return case


def _transition(*, actor: Any, enrollment: Enrollment, to: str, reason: str = "") -> Enrollment:
    """Move a locked enrollment along an allowed transition, with an event row and an audit entry."""
    start = enrollment.status
    if to not in Enrollment.TRANSITIONS[Enrollment.Status(start)]:
        raise Conflict(_("El enrolamiento no admite ese cambio de estado."),
                       fields={"status": f"{start} -> {to}"})
    enrollment.status = to
    enrollment.save(update_fields=["status", "status_changed_at"])
    EnrollmentEvent.objects.create(enrollment=enrollment, from_status=start, to_status=to,
                                   actor_repr=_actor_repr(actor), reason=reason[:500])
    audit_record(actor=actor, action="biometria.enrollment_status", obj=enrollment, person_id=enrollment.person_id,
                 details={"from": start, "to": to, "reason": reason})
    _sync_gallery_after_commit(enrollment.pk)
    return enrollment


def _supersede_active(*, actor: Any, person_id: int) -> None:
    for previous in Enrollment.objects.select_for_update().filter(person_id=person_id,
                                                                   status=Enrollment.Status.ACTIVE):
        _transition(actor=actor, enrollment=previous, to=Enrollment.Status.SUPERSEDED,
                    reason="nuevo enrolamiento de la misma persona")


def _sync_gallery_after_commit(enrollment_id: int) -> None:
    from .tasks import gallery_sync_task

    # Heavy work goes to the "biometrics" queue; the task is idempotent, so a re-run is harmless.
    transaction.on_commit(lambda: gallery_sync_task.delay(enrollment_id))


@transaction.atomic
def enrollment_cancel(*, actor: Any, enrollment_id: int, reason: str) -> Enrollment:
    """Cancel an enrollment (e.g. its record was annulled); it leaves the 1:N gallery."""
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo."), fields={"reason": _("requerido")})
    enrollment = _locked(enrollment_id)
    return _transition(actor=actor, enrollment=enrollment, to=Enrollment.Status.CANCELLED, reason=reason)


def _locked(enrollment_id: int) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(_("Enrolamiento no encontrado."), fields={"enrollment_id": str(enrollment_id)})
    return enrollment


@transaction.atomic
def duplicate_case_decide(*, actor: Any, case_id: int, same_person: bool, reason: str) -> DuplicateCase:
    """The officer's decision: same person (the new enrollment is rejected) or different people (accepted)."""
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo de la decisión."), fields={"reason": _("requerido")})
    case = DuplicateCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Caso no encontrado."), fields={"case_id": str(case_id)})
    if case.status != DuplicateCase.Status.OPEN:
        raise Conflict(_("El caso ya fue decidido."), fields={"status": case.status})
    enrollment = _locked(case.enrollment_id)
    if same_person:
        case.status = DuplicateCase.Status.SAME_PERSON
        _transition(actor=actor, enrollment=enrollment, to=Enrollment.Status.REJECTED, reason=reason)
    else:
        case.status = DuplicateCase.Status.DIFFERENT_PERSONS
        _supersede_active(actor=actor, person_id=enrollment.person_id)
        _transition(actor=actor, enrollment=enrollment, to=Enrollment.Status.ACTIVE, reason=reason)
    case.decided_by, case.decided_at, case.reason = _user_or_none(actor), timezone.now(), reason[:500]
    case.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(actor=actor, action="biometria.duplicate_case_decide", obj=case, person_id=enrollment.person_id,
                 details={"status": case.status, "reason": reason})
    return case


# ---- gallery ---------------------------------------------------------------------------------
def gallery_sync(*, enrollment_id: int) -> str:
    """Make the gallery agree with the enrollment's status (idempotent): 'added', 'removed' or 'unchanged'."""
    gallery = get_gallery()
    enrollment = Enrollment.objects.select_related("face_encoding").filter(pk=enrollment_id).first()
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        return "removed" if gallery.remove(enrollment_id) else "unchanged"
    if gallery.contains(enrollment_id):
        return "unchanged"
    encoding = selectors.enrollment_face_encoding(actor="sistema:biometria", enrollment=enrollment,
                                                  purpose=GALLERY_PURPOSE)
    return "added" if gallery.add(enrollment_id, encoding) else "unchanged"


def gallery_rebuild(*, actor: Any, build_ann: bool = False) -> int:
    """Rewrite the gallery from the active enrollments; returns how many it holds."""
    count = get_gallery().rebuild(selectors.gallery_encodings(actor=actor, purpose=GALLERY_PURPOSE),
                                  build_ann=build_ann)
    audit_record(actor=actor, action="biometria.gallery_rebuild", details={"rows": count, "ann": build_ann})
    return count


# ---- verification and identification --------------------------------------------------------
def face_verify_person(*, actor: Any, person_id: int, encoding: np.ndarray, purpose: str) -> MatchDecision:
    """1:1: a live face against the person's active enrollment."""
    enrollment = selectors.enrollment_active(person_id=person_id)
    if enrollment is None:
        raise NotFound(_("La persona no tiene un enrolamiento biométrico vigente."),
                       fields={"person_id": str(person_id)})
    enrolled = selectors.enrollment_face_encoding(actor=actor, enrollment=enrollment, purpose=purpose)
    decision = compare_faces(encoding, enrolled)
    audit_record(actor=actor, action="biometria.verify_face", obj=enrollment, person_id=person_id,
                 purpose=purpose, details=decision.as_dict())
    return decision


def face_verify_document(*, actor: Any, encoding: np.ndarray, dg2: bytes, purpose: str) -> MatchDecision:
    """1:1: a live face against the portrait read from a chip's DG2 (the image or the whole record)."""
    chip_face = capture_face(find_embedded_image(dg2), field="document_face", check_quality=False, portrait=False)
    decision = compare_faces(encoding, chip_face.encoding)
    audit_record(actor=actor, action="biometria.verify_document_face", purpose=purpose, details=decision.as_dict())
    return decision


def finger_verify_person(*, actor: Any, person_id: int, finger: FingerCapture, purpose: str) -> MatchDecision:
    """1:1: a live fingerprint against the same finger of the person's active enrollment."""
    enrollment = selectors.enrollment_active(person_id=person_id)
    if enrollment is None:
        raise NotFound(_("La persona no tiene un enrolamiento biométrico vigente."),
                       fields={"person_id": str(person_id)})
    scores = _finger_scores(actor=actor, enrollment=enrollment, fingers=[finger], purpose=purpose)
    if int(finger.position) not in scores:
        raise NotFound(_("Ese dedo no fue enrolado."), fields={"position": str(int(finger.position))})
    decision = scores[int(finger.position)]
    audit_record(actor=actor, action="biometria.verify_finger", obj=enrollment, person_id=person_id,
                 purpose=purpose, details={**decision.as_dict(), "position": int(finger.position)})
    return decision


def identify(*, actor: Any, encoding: np.ndarray, fingers: Sequence[FingerCapture] = (), purpose: str,
             k: int = 5) -> list[IdentifyCandidate]:
    """1:N: face candidates from the gallery, each confirmed (or not) by the fingerprints given."""
    found: list[IdentifyCandidate] = []
    for candidate in gallery_search(encoding, k=k, max_distance=1 - IDENTIFY_FACE_THRESHOLD):
        score = face_score_from_distance(candidate.distance)
        if score < IDENTIFY_FACE_THRESHOLD:
            break
        enrollment = Enrollment.objects.filter(pk=candidate.item_id, status=Enrollment.Status.ACTIVE).first()
        if enrollment is None:
            continue
        face = MatchDecision("face", score, FACE_THRESHOLD, score >= FACE_THRESHOLD)
        finger_scores = _finger_scores(actor=actor, enrollment=enrollment, fingers=fingers, purpose=purpose)
        found.append(IdentifyCandidate(enrollment.person_id, enrollment.pk, face, finger_scores))
    found.sort(key=lambda c: (not c.decision, -c.face.score))
    audit_record(actor=actor, action="biometria.identify", kind="read", purpose=purpose,
                 details={"candidates": [c.person_id for c in found], "fingers": len(fingers)})
    return found
