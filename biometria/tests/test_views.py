"""Officer pages: instant quality report, enrollment by upload, duplicate case decided side by side."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auditoria.models import AuditEntry
from biometria.models import DuplicateCase, Enrollment

pytestmark = [pytest.mark.django_db, pytest.mark.urls("biometria.tests.urls")]


@pytest.fixture
def officer_client(client, officer):
    """An officer signed in who has passed the second factor, as the back office demands."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.force_login(officer)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("cuentas:otp"), {"token": code, "next": "/"}).status_code == 302
    return client


def test_a_citizen_cannot_open_the_capture_page(client, django_user_model):
    user = django_user_model.objects.create_user(username="ciudadano", password="x-unused-x")
    client.force_login(user)
    assert client.get(reverse("biometria:capture")).status_code == 403


def test_the_quality_report_comes_back_at_once_for_an_upload(officer_client, faces_dir):
    response = officer_client.post(reverse("biometria:quality_check"),
                                   {"face": SimpleUploadedFile("f.jpg", (faces_dir / "obama_small.jpg").read_bytes())})
    body = response.json()
    assert response.status_code == 200 and body["acceptable"] is False
    size = next(c for c in body["checks"] if c["name"] == "face_size")
    assert size["passed"] is False and size["limit"] == ">= 60"


def test_the_quality_check_names_two_faces(officer_client, faces_dir):
    response = officer_client.post(reverse("biometria:quality_check"),
                                   {"face": SimpleUploadedFile("f.jpg", (faces_dir / "two_people.jpg").read_bytes())})
    assert response.status_code == 400 and response.json()["faces_found"] == 2


def test_the_capture_page_offers_the_camera(officer_client):
    page = officer_client.get(reverse("biometria:capture")).content.decode()
    assert "getUserMedia" in page and "Usar la cámara" in page


def test_an_officer_decides_a_duplicate_case_with_both_portraits(officer_client, enroll, make_person, gallery_tmp):
    enroll(make_person("Barack"), "obama.jpg")
    case = enroll(make_person("Otro"), "obama2.jpg").duplicate_case
    page = officer_client.get(reverse("biometria:case_detail", args=[case.pk])).content.decode()
    assert reverse("biometria:portrait", args=[case.enrollment_id]) in page
    assert reverse("biometria:portrait", args=[case.matched_enrollment_id]) in page
    image = officer_client.get(reverse("biometria:portrait", args=[case.matched_enrollment_id]))
    assert image["Content-Type"] == "image/jpeg" and image.content.startswith(b"\xff\xd8")
    assert AuditEntry.objects.filter(action="biometria.read.portrait", actor_repr="oficial1").exists()
    response = officer_client.post(reverse("biometria:case_detail", args=[case.pk]),
                                   {"decision": "same", "reason": "misma persona, otra identidad"})
    assert response.status_code == 302
    assert DuplicateCase.objects.get(pk=case.pk).status == "SAME_PERSON"
    assert Enrollment.objects.get(pk=case.enrollment_id).status == "REJECTED"


def test_an_officer_enrolls_by_upload_and_sees_the_quality_report(
        officer_client, faces_dir, fingers_dir, make_person, signature_png, gallery_tmp):
    person = make_person()
    missing = '[' + ','.join(f'{{"position": {p}, "reason": "AMPUTATED"}}' for p in (1, *range(3, 11))) + ']'
    response = officer_client.post(reverse("biometria:capture"), {
        "person_id": person, "document_kind": "PASAPORTE",
        "face": SimpleUploadedFile("f.jpg", (faces_dir / "biden.jpg").read_bytes()),
        "finger_2": SimpleUploadedFile("p.wsq", (fingers_dir / "jmrtd_fp.wsq").read_bytes()),
        "missing_fingers": missing, "signature": SimpleUploadedFile("s.png", signature_png),
    })
    enrollment = Enrollment.objects.get(person_id=person)
    assert response.status_code == 302 and response["Location"].endswith(f"/enrolamientos/{enrollment.pk}/")
    page = officer_client.get(response["Location"]).content.decode()
    assert "Nitidez" in page and "amputación" in page


def test_a_corrupt_upload_shows_the_error_on_the_form(officer_client, faces_dir, make_person):
    response = officer_client.post(reverse("biometria:capture"), {
        "person_id": make_person(), "document_kind": "PASAPORTE",
        "face": SimpleUploadedFile("f.jpg", (faces_dir / "obama.jpg").read_bytes()[:4000]),
    })
    assert response.status_code == 400 and "dañada" in response.content.decode()
    assert not Enrollment.objects.exists()
