"""The capture page as an officer uses it: missing fingers chosen from a list, accepted images kept after an error."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biometria.models import Enrollment, FingerRecord

from .test_views import officer_client  # noqa: F401  (an officer past TOTP)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("biometria.tests.urls")]

OTHER_FINGERS = (1, 3, 4, 5, 6, 7, 8, 9, 10)


def test_the_page_offers_each_missing_finger_reason_as_a_choice(officer_client):
    body = officer_client.get(reverse("biometria:capture")).content.decode()
    # a labelled list per finger, in words; no JSON to type
    assert '<label for="missing-6">Si no se captura el pulgar izquierdo: motivo</label>' in body
    assert '<select name="missing_6" id="missing-6">' in body
    assert '<option value="AMPUTATED">amputado</option>' in body and "vendado o lesionado" in body
    assert "JSON" not in body and 'name="missing_fingers"' not in body
    # and the camera has instructions, a framing guide, a retake and accessible names
    assert 'aria-label="Vista de la cámara: encuadre el rostro dentro del óvalo"' in body
    assert "Repetir foto" in body and 'class="camera-guide"' in body and "dentro del óvalo" in body
    assert 'alt="Vista previa de la foto tomada"' in body


def test_an_officer_records_missing_fingers_by_choosing_the_reason(
        officer_client, faces_dir, fingers_dir, make_person, signature_png, gallery_tmp):
    person = make_person()
    data = {"person_id": person, "document_kind": "PASAPORTE",
            "face": SimpleUploadedFile("f.jpg", (faces_dir / "biden.jpg").read_bytes()),
            "finger_2": SimpleUploadedFile("p.wsq", (fingers_dir / "jmrtd_fp.wsq").read_bytes()),
            "signature": SimpleUploadedFile("s.png", signature_png)}
    data.update({f"missing_{code}": "AMPUTATED" for code in OTHER_FINGERS})
    data["missing_6"] = "BANDAGED"
    response = officer_client.post(reverse("biometria:capture"), data)
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person_id=person)
    reasons = dict(FingerRecord.objects.filter(enrollment=enrollment).values_list("position", "missing_reason"))
    assert reasons[6] == "BANDAGED" and reasons[1] == "AMPUTATED" and reasons[2] == ""


def test_a_reason_outside_the_list_is_refused_in_words(officer_client, faces_dir, make_person):
    response = officer_client.post(reverse("biometria:capture"), {
        "person_id": make_person(), "document_kind": "PASAPORTE", "missing_6": "PERDIDO",
        "face": SimpleUploadedFile("f.jpg", (faces_dir / "biden.jpg").read_bytes())})
    assert response.status_code == 400 and "Elija el motivo de la lista." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_accepted_images_are_kept_after_an_error_and_only_the_failed_one_is_repeated(
        officer_client, faces_dir, fingers_dir, make_person, signature_png, gallery_tmp):
    person = make_person()
    missing = {f"missing_{code}": "AMPUTATED" for code in OTHER_FINGERS}
    # given a submission whose face and finger are good but whose signature file is broken
    response = officer_client.post(reverse("biometria:capture"), {
        "person_id": person, "document_kind": "PASAPORTE", **missing,
        "face": SimpleUploadedFile("f.jpg", (faces_dir / "biden.jpg").read_bytes()),
        "finger_2": SimpleUploadedFile("p.wsq", (fingers_dir / "jmrtd_fp.wsq").read_bytes()),
        "signature": SimpleUploadedFile("s.png", signature_png[:200])})
    body = response.content.decode()
    # then the page says so, keeps the person, the choices and the accepted images, not the broken one
    assert response.status_code == 400 and not Enrollment.objects.exists()
    assert "Las imágenes aceptadas se conservan: repita solo lo que falló." in body
    assert f'value="{person}"' in body and '<option value="AMPUTATED" selected>' in body
    assert 'name="kept_' not in body and "base64" not in body  # nothing biometric sent back with the page
    assert "Archivo aceptado: f.jpg — puede cambiarlo" in body and "Archivo aceptado: p.wsq — puede cambiarlo" in body
    assert "Archivo aceptado: s.png" not in body
    # when the officer adds only a good signature and sends the page again
    response = officer_client.post(reverse("biometria:capture"), {
        "person_id": person, "document_kind": "PASAPORTE", **missing,
        "signature": SimpleUploadedFile("s.png", signature_png)})
    # then the enrollment is recorded with the kept face and finger
    assert response.status_code == 302, response.content.decode()[:3000]
    enrollment = Enrollment.objects.get(person_id=person)
    assert FingerRecord.objects.get(enrollment=enrollment, position=2).missing_reason == ""
