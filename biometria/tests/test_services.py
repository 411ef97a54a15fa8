"""Enrollment, encrypted storage with audited reads, de-duplication, 1:1 and 1:N, cases, gallery upkeep."""
from __future__ import annotations

import dataclasses

import pytest

from auditoria.models import AuditEntry
from biometria import selectors, services
from biometria.engine import FingerPosition, MissingFinger, MissingReason
from biometria.models import DuplicateCase, Enrollment, FingerRecord, SecureBlob
from core.errors import Conflict, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_passport_enrollment_stores_everything_encrypted_and_joins_the_gallery(
        enroll, make_person, face_captures, finger_captures, gallery_tmp):
    # Given a person / When enrolled with a face and two fingers
    person = make_person()
    middle = dataclasses.replace(finger_captures["nonmatching"], position=FingerPosition.RIGHT_MIDDLE)
    outcome = services.enrollment_create(
        actor=None, person_id=person, document_kind="PASAPORTE", face=face_captures["obama.jpg"],
        fingers=[finger_captures["probe"], middle], missing_fingers=[MissingFinger(FingerPosition.LEFT_THUMB,
                                                                                   MissingReason.BANDAGED, "yeso")],
        signature_png=b"\x89PNG fake but stored as given",
    )
    enrollment = outcome.enrollment
    # Then it is active, no case is open, and each blob is sealed under the current key
    assert enrollment.status == Enrollment.Status.ACTIVE and outcome.duplicate_case is None
    portrait = face_captures["obama.jpg"].portrait_jpeg
    blob = SecureBlob.objects.get(pk=enrollment.portrait_id)
    assert blob.key_id == "dev1" and portrait[100:200] not in bytes(blob.ciphertext)
    fingers = {f.position: f for f in enrollment.fingers.all()}
    assert fingers[2].status == "CAPTURED" and fingers[2].nfiq2 == finger_captures["probe"].nfiq2
    assert fingers[6].status == "MISSING" and fingers[6].missing_reason == "BANDAGED" and fingers[6].note == "yeso"


def test_the_gallery_learns_of_an_enrollment_after_commit(enroll, make_person, gallery_tmp):
    outcome = enroll(make_person(), "obama.jpg")
    assert gallery_tmp.contains(outcome.enrollment.pk)


def test_a_passport_with_one_finger_and_no_reason_for_the_rest_is_refused(
        make_person, face_captures, finger_captures, signature_png, gallery_tmp):
    person = make_person()
    with pytest.raises(ValidationFailed) as caught:
        services.enrollment_create(actor=None, person_id=person, document_kind="PASAPORTE",
                                   face=face_captures["obama.jpg"], fingers=[finger_captures["probe"]],
                                   signature_png=signature_png)
    assert "fingers" in caught.value.fields
    assert not Enrollment.objects.exists() and not SecureBlob.objects.exists()  # nothing half-written


def test_a_passport_without_signature_is_refused(make_person, face_captures, finger_captures, gallery_tmp):
    middle = dataclasses.replace(finger_captures["matching"], position=FingerPosition.RIGHT_MIDDLE)
    with pytest.raises(ValidationFailed) as caught:
        services.enrollment_create(actor=None, person_id=make_person(), document_kind="PASAPORTE",
                                   face=face_captures["obama.jpg"], fingers=[finger_captures["probe"], middle])
    assert "signature" in caught.value.fields


def test_reading_a_portrait_decrypts_it_and_audits_the_purpose(enroll, make_person, face_captures, officer, gallery_tmp):
    person = make_person()
    enrollment = enroll(person, "obama.jpg").enrollment
    portrait = selectors.enrollment_portrait(actor=officer, enrollment=enrollment, purpose="entrega de pasaporte")
    assert portrait == face_captures["obama.jpg"].portrait_jpeg
    entry = AuditEntry.objects.filter(action="biometria.read.portrait").latest("id")
    assert entry.person_id == person and entry.purpose == "entrega de pasaporte" and entry.kind == "read"


def test_old_keys_still_decrypt_after_rotation_and_new_blobs_use_the_new_key(
        enroll, make_person, face_captures, officer, settings, gallery_tmp):
    old = enroll(make_person(), "obama.jpg").enrollment
    settings.BIOMETRIA_KEYS = "k2:" + "bmV3LWtleS1mb3Itcm90YXRpb24tMzItYnl0ZXMhIQ==," + settings.BIOMETRIA_KEYS
    portrait = selectors.enrollment_portrait(actor=officer, enrollment=old, purpose="prueba de rotación")
    assert portrait == face_captures["obama.jpg"].portrait_jpeg
    new = enroll(make_person("Rosa"), "biden.jpg").enrollment
    assert SecureBlob.objects.get(pk=new.portrait_id).key_id == "k2"


def test_a_tampered_blob_does_not_decrypt(enroll, make_person, officer, gallery_tmp):
    from biometria.crypto import BlobUnreadable

    enrollment = enroll(make_person(), "obama.jpg").enrollment
    blob = SecureBlob.objects.get(pk=enrollment.portrait_id)
    data = bytearray(blob.ciphertext)
    data[20] ^= 1
    SecureBlob.objects.filter(pk=blob.pk).update(ciphertext=bytes(data))
    enrollment.refresh_from_db()
    with pytest.raises(BlobUnreadable):
        selectors.enrollment_portrait(actor=officer, enrollment=Enrollment.objects.get(pk=enrollment.pk),
                                      purpose="prueba")


def test_the_same_face_under_another_identity_opens_a_case_and_stays_out_of_the_gallery(
        enroll, make_person, officer, gallery_tmp):
    first = enroll(make_person("Barack"), "obama.jpg", fingers=("probe",))
    # When another identity enrolls with the same face (and the same finger)
    second = enroll(make_person("Otro"), "obama2.jpg", fingers=("matching",))
    case = second.duplicate_case
    assert case is not None and case.status == DuplicateCase.Status.OPEN
    assert second.enrollment.status == Enrollment.Status.PENDING_REVIEW
    assert case.matched_enrollment_id == first.enrollment.pk and case.face_score >= 0.5
    assert case.finger_scores["2"]["decision"] is True  # the fingerprint agrees: same person
    assert not gallery_tmp.contains(second.enrollment.pk)
    # And the officer confirms it is the same person: the new enrollment is rejected
    services.duplicate_case_decide(actor=officer, case_id=case.pk, same_person=True, reason="misma persona")
    assert Enrollment.objects.get(pk=second.enrollment.pk).status == Enrollment.Status.REJECTED
    with pytest.raises(Conflict):
        services.duplicate_case_decide(actor=officer, case_id=case.pk, same_person=False, reason="otra vez")


def test_an_officer_clearing_a_case_activates_the_enrollment(
        enroll, make_person, officer, gallery_tmp, django_capture_on_commit_callbacks):
    enroll(make_person("Barack"), "obama.jpg")
    second = enroll(make_person("Gemelo"), "obama2.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        services.duplicate_case_decide(actor=officer, case_id=second.duplicate_case.pk, same_person=False,
                                       reason="gemelos, documentos verificados")
    assert Enrollment.objects.get(pk=second.enrollment.pk).status == Enrollment.Status.ACTIVE
    assert gallery_tmp.contains(second.enrollment.pk)


def test_re_enrolling_the_same_person_waits_for_another_officer_then_supersedes_the_old_enrollment(
        enroll, make_person, officer, second_officer, gallery_tmp, django_capture_on_commit_callbacks):
    # Given a person enrolled, when the same person is enrolled again
    person = make_person()
    old = enroll(person, "obama.jpg").enrollment
    new = enroll(person, "obama2.jpg")
    # Then the new one waits on a replacement case and the old one stays in force, in the gallery too
    case = new.duplicate_case
    assert case.kind == DuplicateCase.Kind.REPLACEMENT and case.matched_enrollment_id == old.pk
    assert new.enrollment.status == Enrollment.Status.PENDING_REVIEW
    assert Enrollment.objects.get(pk=old.pk).status == Enrollment.Status.ACTIVE
    assert gallery_tmp.contains(old.pk) and not gallery_tmp.contains(new.enrollment.pk)
    # The officer who captured it cannot approve it
    with pytest.raises(PermissionDenied):
        services.case_decide(actor=officer, case_id=case.pk, accept=True, reason="soy yo")
    # When another officer of the sede approves, the new one replaces the old one
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(actor=second_officer, case_id=case.pk, accept=True, reason="renovación, DNI visto")
    assert Enrollment.objects.get(pk=old.pk).status == Enrollment.Status.SUPERSEDED
    assert Enrollment.objects.get(pk=new.enrollment.pk).status == Enrollment.Status.ACTIVE
    assert not gallery_tmp.contains(old.pk) and gallery_tmp.contains(new.enrollment.pk)


def test_a_refused_replacement_keeps_the_old_enrollment_in_force(
        enroll, make_person, second_officer, gallery_tmp):
    person = make_person()
    old = enroll(person, "obama.jpg").enrollment
    case = enroll(person, "biden.jpg").duplicate_case
    assert case.face_score < 0.5  # the reviewer sees the faces do not agree
    services.case_decide(actor=second_officer, case_id=case.pk, accept=False, reason="otro rostro")
    assert DuplicateCase.objects.get(pk=case.pk).status == DuplicateCase.Status.REFUSED
    assert Enrollment.objects.get(pk=case.enrollment_id).status == Enrollment.Status.REJECTED
    assert Enrollment.objects.get(pk=old.pk).status == Enrollment.Status.ACTIVE


def test_face_verification_against_an_enrolled_person(enroll, make_person, face_captures, officer, gallery_tmp):
    person = make_person()
    enroll(person, "obama.jpg")
    same = services.face_verify_person(actor=officer, person_id=person, encoding=face_captures["obama2.jpg"].encoding,
                                       purpose="entrega")
    other = services.face_verify_person(actor=officer, person_id=person, encoding=face_captures["biden.jpg"].encoding,
                                        purpose="entrega")
    assert same.decision is True and other.decision is False
    assert same.threshold == other.threshold and same.score > other.score


def test_face_verification_against_a_chip_dg2(faces_dir, face_captures, officer, db):
    dg2_record = b"FAC\x000100" + bytes(40) + (faces_dir / "ICAO_39794_5_AP_Face.jpg").read_bytes()
    same = services.face_verify_document(actor=officer, encoding=face_captures["ICAO_39794_5_AP_Face.jpg"].encoding,
                                         dg2=dg2_record, purpose="control migratorio")
    other = services.face_verify_document(actor=officer, encoding=face_captures["obama.jpg"].encoding,
                                          dg2=dg2_record, purpose="control migratorio")
    assert same.decision is True and other.decision is False


def test_fingerprint_verification_against_the_enrolled_finger(enroll, make_person, finger_captures, officer,
                                                              gallery_tmp):
    person = make_person()
    enroll(person, "obama.jpg", fingers=("probe",))
    same = services.finger_verify_person(actor=officer, person_id=person, finger=finger_captures["matching"],
                                         purpose="entrega")
    other = services.finger_verify_person(actor=officer, person_id=person, finger=finger_captures["nonmatching"],
                                          purpose="entrega")
    assert same.decision is True and other.decision is False


def test_identification_finds_the_person_and_a_cancelled_record_no_more(
        enroll, make_person, face_captures, finger_captures, officer, gallery_tmp,
        django_capture_on_commit_callbacks):
    obama = make_person("Barack")
    enrolled = enroll(obama, "obama.jpg").enrollment
    enroll(make_person("Joseph"), "biden.jpg")
    found = services.identify(actor=officer, encoding=face_captures["obama2.jpg"].encoding,
                              fingers=[finger_captures["matching"]], purpose="control")
    assert [c.person_id for c in found] == [obama]
    assert found[0].decision is True and found[0].fingers[2].decision is True
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_cancel(actor=officer, enrollment_id=enrolled.pk, reason="pasaporte anulado")
    assert services.identify(actor=officer, encoding=face_captures["obama2.jpg"].encoding, purpose="control") == []


def test_the_rebuild_command_restores_a_lost_gallery(enroll, make_person, gallery_tmp):
    from django.core.management import call_command

    enrolled = enroll(make_person(), "obama.jpg").enrollment
    for path in gallery_tmp.directory.iterdir():
        path.unlink()
    assert not gallery_tmp.contains(enrolled.pk)
    call_command("biometria_rebuild_index")
    assert gallery_tmp.contains(enrolled.pk)
    assert FingerRecord.objects.filter(enrollment=enrolled).exists()
