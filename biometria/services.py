"""Writes and decisions of biometria: enrollment with de-duplication, verification, identification, cases."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from core.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from . import selectors
from .audit_actions import AuditAction
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
from .models import DuplicateCase, Enrollment, FingerRecord, SecureBlob
from .workflows import DUPLICATE_CASE, ENROLLMENT

MIN_FINGERS = {Enrollment.DocumentKind.PASAPORTE: 2}
SIGNATURE_REQUIRED = {Enrollment.DocumentKind.PASAPORTE}
ALL_POSITIONS = 10
# 1:N lists candidates a little below the 1:1 threshold so fingerprints can confirm or clear them.
IDENTIFY_FACE_THRESHOLD = FACE_THRESHOLD - 0.05
DEDUP_PURPOSE = "deduplicación al enrolar"
GALLERY_PURPOSE = "mantenimiento del índice 1:N"
REPLACEMENT_PURPOSE = "revisión de un reemplazo de enrolamiento"


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


def _user_or_none(actor: Actor):
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


def _enrolling_office(actor: Actor) -> int | None:
    """The sede an enrollment is made at: a person actor must be an officer or supervisor with a sede.

    System actors (commands, benchmarks: a string or None) are trusted code on the server; every
    HTTP path passes the signed-in officer, never a device's user.
    """
    from .stations import ENROLLING_ROLES

    if not getattr(actor, "is_authenticated", False):
        return None
    if not actor.role_names & ENROLLING_ROLES:
        raise PermissionDenied(_("Solo un servidor de MIGRACIONES puede enrolar."), fields={"actor": _("sin rol")})
    if actor.office_id is None:
        raise PermissionDenied(_("Su usuario no tiene una sede asignada."), fields={"office": _("requerida")})
    return actor.office_id


@transaction.atomic
def enrollment_create(
    *,
    actor: Actor,
    person_id: int,
    document_kind: str,
    face: FaceCapture,
    fingers: Sequence[FingerCapture] = (),
    missing_fingers: Sequence[MissingFinger] = (),
    signature_png: bytes | None = None,
    device_key_id: str = "",
) -> EnrollmentOutcome:
    """Store an enrollment. It is in force at once only for a person with none yet and a face seen under
    no other identity; otherwise it waits, pending, for an officer's decision on a case (DUPLICATE when
    the face matches another identity, REPLACEMENT when the person already has an enrollment in force,
    which stays in force until another officer approves)."""
    from rim.models import Person

    office_id = _enrolling_office(actor)
    # The person's row lock queues concurrent enrollments of one person (one of them sees the other).
    if not Person.objects.select_for_update().filter(pk=person_id).exists():
        raise NotFound(_("La persona no existe en el RIM."), fields={"person_id": str(person_id)})
    _check_enrollment_input(document_kind=document_kind, face=face, fingers=fingers,
                            missing_fingers=missing_fingers, signature_png=signature_png)
    duplicate = _find_duplicate(actor=actor, person_id=person_id, face=face, fingers=fingers)
    active = selectors.enrollment_active(person_id=person_id)
    enrollment = Enrollment(
        person_id=person_id, document_kind=document_kind,
        status=Enrollment.Status.PENDING_REVIEW if duplicate or active else Enrollment.Status.ACTIVE,
        face_encoding=_store(SecureBlob.Kind.FACE_ENCODING, np.asarray(face.encoding, dtype=np.float64).tobytes()),
        portrait=_store(SecureBlob.Kind.PORTRAIT, face.portrait_jpeg),
        signature=_store(SecureBlob.Kind.SIGNATURE, signature_png) if signature_png else None,
        face_quality=face.quality.as_dict(), created_by=_user_or_none(actor), office_id=office_id,
        device_key_id=device_key_id[:64],
    )
    enrollment.full_clean()
    ENROLLMENT.create(
        enrollment, "enroll_for_review" if duplicate or active else "enroll", actor=actor,
        work=lambda created: _store_fingers(created, fingers, missing_fingers),
        details={"document_kind": document_kind, "status": enrollment.status, "office": office_id,
                 "device": device_key_id, "fingers": [int(f.position) for f in fingers],
                 "missing": {int(m.position): str(m.reason) for m in missing_fingers}})
    case = None
    if duplicate:
        case = _open_case(actor=actor, enrollment=enrollment, duplicate=duplicate)
    elif active:
        case = _open_replacement_case(actor=actor, enrollment=enrollment, previous=active, face=face,
                                      fingers=fingers)
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


def _find_duplicate(*, actor: Actor, person_id: int, face: FaceCapture,
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


def _finger_scores(*, actor: Actor, enrollment: Enrollment, fingers: Sequence[FingerCapture],
                   purpose: str) -> dict[int, MatchDecision]:
    probes = {int(f.position): f for f in fingers}
    scores: dict[int, MatchDecision] = {}
    for record in selectors.captured_fingers(enrollment=enrollment).filter(position__in=list(probes)):
        enrolled = selectors.finger_template(actor=actor, finger=record, purpose=purpose)
        scores[record.position] = compare_fingers(probes[record.position].iso_template, enrolled)
    return scores


def _open_case(*, actor: Actor, enrollment: Enrollment, duplicate: _Duplicate) -> DuplicateCase:
    case = DuplicateCase(
        enrollment=enrollment, matched_enrollment=duplicate.matched, face_score=duplicate.face_score,
        finger_scores={str(p): d.as_dict() for p, d in duplicate.finger_scores.items()},
    )
    case.full_clean()
    case.save()
    audit_record(actor=actor, action=AuditAction.DUPLICATE_CASE_OPEN, obj=case, person_id=enrollment.person_id,
                 details={"matched_person_id": duplicate.matched.person_id, "face_score": duplicate.face_score})
    return case


def _open_replacement_case(*, actor: Actor, enrollment: Enrollment, previous: Enrollment, face: FaceCapture,
                           fingers: Sequence[FingerCapture]) -> DuplicateCase:
    """The person already has an enrollment in force: the new one waits for another officer's approval.

    The case keeps how well the new capture matches the one in force, for the reviewer.
    """
    enrolled = selectors.enrollment_face_encoding(actor=actor, enrollment=previous, purpose=REPLACEMENT_PURPOSE)
    face_decision = compare_faces(face.encoding, enrolled)
    finger_scores = _finger_scores(actor=actor, enrollment=previous, fingers=fingers, purpose=REPLACEMENT_PURPOSE)
    case = DuplicateCase(
        kind=DuplicateCase.Kind.REPLACEMENT, enrollment=enrollment, matched_enrollment=previous,
        face_score=face_decision.score, finger_scores={str(p): d.as_dict() for p, d in finger_scores.items()},
    )
    case.full_clean()
    case.save()
    audit_record(actor=actor, action=AuditAction.REPLACEMENT_CASE_OPEN, obj=case, person_id=enrollment.person_id,
                 details={"previous_enrollment": previous.pk, "face_score": face_decision.score})
    return case


def _supersede_active(*, actor: Actor, person_id: int) -> None:
    for previous in Enrollment.objects.select_for_update().filter(person_id=person_id,
                                                                   status=Enrollment.Status.ACTIVE):
        ENROLLMENT.apply(previous, "supersede", actor=actor, reason="nuevo enrolamiento de la misma persona")


@transaction.atomic
def enrollment_cancel(*, actor: Actor, enrollment_id: int, reason: str) -> Enrollment:
    """Cancel an enrollment (e.g. its record was annulled); it leaves the 1:N gallery."""
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo."), fields={"reason": _("requerido")})
    return ENROLLMENT.apply(_locked(enrollment_id), "cancel", actor=actor, reason=reason)


def _locked(enrollment_id: int) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(_("Enrolamiento no encontrado."), fields={"enrollment_id": str(enrollment_id)})
    return enrollment


def check_staff_office(*, actor: Actor, office_id: int | None) -> None:
    """Staff act only on their own sede's records; staff without a sede are refused."""
    from .stations import ENROLLING_ROLES

    if not getattr(actor, "is_authenticated", False) or not actor.role_names & ENROLLING_ROLES:
        raise PermissionDenied(_("Su rol no permite esta operación."), fields={"actor": _("sin rol")})
    if actor.office_id is None:
        raise PermissionDenied(_("Su usuario no tiene una sede asignada."), fields={"office": _("requerida")})
    if office_id != actor.office_id:
        raise PermissionDenied(_("El caso es de otra sede."), fields={"office": _("otra sede")})


@transaction.atomic
def station_token_issue(*, actor: Actor, device_key_id: str) -> str:
    """An officer lets one enrollment station of their own sede enroll for them (short-lived token)."""
    from cuentas.models import DeviceCredential

    from .stations import ENROLLMENT_KIND, sign_officer_token, token_ttl_s

    office_id = _enrolling_office(actor)
    if office_id is None:
        raise PermissionDenied(_("Solo un servidor de MIGRACIONES puede autorizar una estación."),
                               fields={"actor": _("sin sesión de servidor")})
    station = DeviceCredential.objects.filter(key_id=device_key_id, kind=ENROLLMENT_KIND, active=True,
                                              office_id=office_id).first()
    if station is None:
        raise NotFound(_("No hay una estación de enrolamiento activa con ese código en su sede."),
                       fields={"station": device_key_id[:64]})
    audit_record(actor=actor, action=AuditAction.STATION_TOKEN_ISSUE, obj=station,
                 details={"station": station.key_id, "office": office_id, "ttl_s": token_ttl_s()})
    return sign_officer_token(officer_id=actor.pk, device_key_id=station.key_id)


@transaction.atomic
def case_decide(*, actor: Actor, case_id: int, accept: bool, reason: str) -> DuplicateCase:
    """An officer of the enrollment's sede decides a case; `accept` puts the new enrollment in force.

    DUPLICATE: accept = different persons; refuse = the same person under another identity (rejected).
    REPLACEMENT: accept = the new capture replaces the one in force; refuse = the one in force stays.
    Whatever would replace an enrollment in force is never decided by the officer who captured it (four eyes).
    """
    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo de la decisión."), fields={"reason": _("requerido")})
    case = DUPLICATE_CASE.lock(case_id, not_found=_("Caso no encontrado."))
    enrollment = _locked(case.enrollment_id)
    check_staff_office(actor=actor, office_id=enrollment.office_id)
    replacement = case.kind == DuplicateCase.Kind.REPLACEMENT
    if accept:
        decision = "approve_replacement" if replacement else "different_persons"
    else:
        decision = "refuse_replacement" if replacement else "same_person"
    DUPLICATE_CASE.refuse_unless(case, decision)
    replaces_active = replacement or (accept and selectors.enrollment_active(person_id=enrollment.person_id))
    if replaces_active and enrollment.created_by_id is not None and enrollment.created_by_id == actor.pk:
        raise PermissionDenied(_("Otro servidor debe revisar el reemplazo que usted capturó."),
                               fields={"actor": _("el mismo servidor que capturó")})
    if accept:
        _supersede_active(actor=actor, person_id=enrollment.person_id)
    ENROLLMENT.apply(enrollment, "activate" if accept else "reject", actor=actor, reason=reason)
    case.enrollment = enrollment
    target = DUPLICATE_CASE.transitions[decision].target
    return DUPLICATE_CASE.apply(case, decision, actor=actor, reason=reason,
                                changes={"decided_by": _user_or_none(actor), "decided_at": timezone.now(),
                                         "reason": reason[:500]},
                                details={"kind": case.kind, "status": target, "reason": reason})


def duplicate_case_decide(*, actor: Actor, case_id: int, same_person: bool, reason: str) -> DuplicateCase:
    """The officer's decision on a duplicate: same person (the new enrollment is rejected) or different people."""
    return case_decide(actor=actor, case_id=case_id, accept=not same_person, reason=reason)


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


def gallery_rebuild(*, actor: Actor, build_ann: bool = False) -> int:
    """Rewrite the gallery from the active enrollments; returns how many it holds."""
    count = get_gallery().rebuild(selectors.gallery_encodings(actor=actor, purpose=GALLERY_PURPOSE),
                                  build_ann=build_ann)
    audit_record(actor=actor, action=AuditAction.GALLERY_REBUILD, details={"rows": count, "ann": build_ann})
    return count


# ---- verification and identification --------------------------------------------------------
def _in_force_or_404(person_id: int) -> Enrollment:
    enrollment = selectors.enrollment_active(person_id=person_id)
    if enrollment is None:
        raise NotFound(_("La persona no tiene un enrolamiento biométrico vigente."),
                       fields={"person_id": str(person_id)})
    return enrollment


def _verifiable(enrollment_id: int) -> Enrollment:
    """An enrollment a holder can be checked against: in force, or replaced since (its chip is still valid)."""
    enrollment = Enrollment.objects.select_related("face_encoding").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(_("Enrolamiento no encontrado."), fields={"enrollment_id": str(enrollment_id)})
    if enrollment.status not in (Enrollment.Status.ACTIVE, Enrollment.Status.SUPERSEDED):
        raise Conflict(_("Ese enrolamiento no sirve para verificar: %(status)s.")
                       % {"status": enrollment.get_status_display()}, fields={"enrollment_id": enrollment.status})
    return enrollment


def _face_verify(*, actor: Actor, enrollment: Enrollment, encoding: np.ndarray, purpose: str) -> MatchDecision:
    enrolled = selectors.enrollment_face_encoding(actor=actor, enrollment=enrollment, purpose=purpose)
    decision = compare_faces(encoding, enrolled)
    audit_record(actor=actor, action=AuditAction.VERIFY_FACE, obj=enrollment, person_id=enrollment.person_id,
                 purpose=purpose, details=decision.as_dict())
    return decision


def face_verify_person(*, actor: Actor, person_id: int, encoding: np.ndarray, purpose: str) -> MatchDecision:
    """1:1: a live face against the person's active enrollment."""
    return _face_verify(actor=actor, enrollment=_in_force_or_404(person_id), encoding=encoding, purpose=purpose)


def face_verify_enrollment(*, actor: Actor, enrollment_id: int, encoding: np.ndarray, purpose: str) -> MatchDecision:
    """1:1: a live face against one given enrollment (e.g. the one personalized into a passport's chip)."""
    return _face_verify(actor=actor, enrollment=_verifiable(enrollment_id), encoding=encoding, purpose=purpose)


def face_verify_document(*, actor: Actor, encoding: np.ndarray, dg2: bytes, purpose: str) -> MatchDecision:
    """1:1: a live face against the portrait read from a chip's DG2 (the image or the whole record)."""
    chip_face = capture_face(find_embedded_image(dg2), field="document_face", check_quality=False, portrait=False)
    decision = compare_faces(encoding, chip_face.encoding)
    audit_record(actor=actor, action=AuditAction.VERIFY_DOCUMENT_FACE, purpose=purpose, details=decision.as_dict())
    return decision


def _finger_verify(*, actor: Actor, enrollment: Enrollment, finger: FingerCapture, purpose: str) -> MatchDecision:
    scores = _finger_scores(actor=actor, enrollment=enrollment, fingers=[finger], purpose=purpose)
    if int(finger.position) not in scores:
        raise NotFound(_("Ese dedo no fue enrolado."), fields={"position": str(int(finger.position))})
    decision = scores[int(finger.position)]
    audit_record(actor=actor, action=AuditAction.VERIFY_FINGER, obj=enrollment, person_id=enrollment.person_id,
                 purpose=purpose, details={**decision.as_dict(), "position": int(finger.position)})
    return decision


def finger_verify_person(*, actor: Actor, person_id: int, finger: FingerCapture, purpose: str) -> MatchDecision:
    """1:1: a live fingerprint against the same finger of the person's active enrollment."""
    return _finger_verify(actor=actor, enrollment=_in_force_or_404(person_id), finger=finger, purpose=purpose)


def finger_verify_enrollment(*, actor: Actor, enrollment_id: int, finger: FingerCapture, purpose: str) -> MatchDecision:
    """1:1: a live fingerprint against the same finger of one given enrollment."""
    return _finger_verify(actor=actor, enrollment=_verifiable(enrollment_id), finger=finger, purpose=purpose)


def identify(*, actor: Actor, encoding: np.ndarray, fingers: Sequence[FingerCapture] = (), purpose: str,
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
    audit_record(actor=actor, action=AuditAction.IDENTIFY, kind="read", purpose=purpose,
                 details={"candidates": [c.person_id for c in found], "fingers": len(fingers)})
    # One entry per person returned, so each sees the search on "¿quién consultó mis datos?".
    for candidate in found:
        audit_record(actor=actor, action=AuditAction.IDENTIFY_CANDIDATE, kind="read",
                     object_type="biometria.enrollment", object_id=candidate.enrollment_id, person_id=candidate.person_id, purpose=purpose,
                     details={"face_score": candidate.face.score, "decision": candidate.decision})
    return found


# ---- key rotation ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RekeyReport:
    current_key_id: str
    rekeyed: int
    batches: int
    rekeyed_from: dict[str, int]
    unreadable: int
    remaining: dict[str, int]


def blobs_rekey(*, actor: Actor, batch_size: int = 500, max_batches: int | None = None) -> RekeyReport:
    """Re-encrypt every blob not sealed with the current (first) key, one committed batch at a time.

    Resumable: each batch commits on its own, and a re-run starts from whatever still carries another
    key id. Blobs whose key is no longer configured (or that fail their tag) are counted, left as they
    are and reported, never silently dropped. One audit entry per batch names the rows and key ids.
    """
    from collections import Counter

    from .crypto import BlobUnreadable, Sealed, current_keys, unseal

    current = next(iter(current_keys()))
    rekeyed, batches, unreadable, last_pk = 0, 0, 0, 0
    from_counts: Counter[str] = Counter()
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            batch = list(SecureBlob.objects.select_for_update().exclude(key_id=current).filter(pk__gt=last_pk)
                         .order_by("pk")[:batch_size])
            if not batch:
                break
            changed, olds = [], Counter()
            for blob in batch:
                try:
                    plaintext = unseal(Sealed(blob.key_id, bytes(blob.ciphertext)), aad=blob.aad)
                except BlobUnreadable:
                    unreadable += 1
                    continue
                olds[blob.key_id] += 1
                sealed = seal(plaintext, aad=blob.aad)
                blob.key_id, blob.ciphertext = sealed.key_id, sealed.data
                changed.append(blob)
            SecureBlob.objects.bulk_update(changed, ["key_id", "ciphertext"])
            audit_record(actor=actor, action=AuditAction.REKEY_BATCH, object_type="biometria.secureblob",
                         details={"rows": len(changed), "from": dict(olds), "to": current,
                                  "first_pk": batch[0].pk, "last_pk": batch[-1].pk,
                                  "unreadable": len(batch) - len(changed)})
        last_pk = batch[-1].pk
        batches += 1
        rekeyed += len(changed)
        from_counts.update(olds)
    remaining = dict(Counter(SecureBlob.objects.exclude(key_id=current).values_list("key_id", flat=True)))
    return RekeyReport(current, rekeyed, batches, dict(from_counts), unreadable, remaining)
