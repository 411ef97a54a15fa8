"""Device API over signed requests: enroll, verify and identify answer score, threshold and decision."""
from __future__ import annotations

import base64
import json
import secrets
import time

import pytest

from cuentas.authentication import sign
from cuentas.services import device_register

pytestmark = [pytest.mark.django_db, pytest.mark.urls("biometria.tests.urls")]
BASE = "/api/v1/biometria/"


@pytest.fixture
def device(db, office):
    """An enrollment station of the officer's sede (it also verifies and identifies)."""
    credential, secret = device_register(key_id="KIOSCO-LIMA-01", office=office, kind="ENROLLMENT",
                                         secret="s3cret-for-tests-only")
    return credential.key_id, secret


def _post_json(client, device, op: str, payload: dict):
    key_id, secret = device
    body = json.dumps(payload).encode()
    ts, nonce = str(int(time.time())), secrets.token_hex(12)
    path = BASE + op
    return client.post(path, data=body, content_type="application/json", HTTP_X_DEVICE_KEY=key_id,
                       HTTP_X_TIMESTAMP=ts, HTTP_X_NONCE=nonce,
                       HTTP_X_SIGNATURE=sign(secret, "POST", path, ts, nonce, body))


def _post_multipart(client, device, op: str, fields: dict):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    key_id, secret = device
    body = encode_multipart(BOUNDARY, fields)
    ts, nonce = str(int(time.time())), secrets.token_hex(12)
    path = BASE + op
    return client.generic("POST", path, body, content_type=MULTIPART_CONTENT, HTTP_X_DEVICE_KEY=key_id,
                          HTTP_X_TIMESTAMP=ts, HTTP_X_NONCE=nonce,
                          HTTP_X_SIGNATURE=sign(secret, "POST", path, ts, nonce, body))


def b64(path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def test_an_unsigned_request_is_refused(client, faces_dir):
    response = client.post(BASE + "verify", {"mode": "face_document"}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_a_device_verifies_a_live_face_against_the_chip_dg2(client, device, faces_dir):
    response = _post_json(client, device, "verify", {
        "mode": "face_document", "purpose": "CONTROL_MIGRATORIO",
        "face": b64(faces_dir / "obama.jpg"), "document_face": b64(faces_dir / "obama2.jpg")})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"] is True and body["score"] >= body["threshold"] and body["modality"] == "face"


@pytest.mark.parametrize("payload,status,error", [
    (b"\xff\xd8\xff\xe0" + b"\x00" * 300, 400, "image_corrupt"),
    (b"<html>not an image</html>", 415, "image_unsupported"),
])
def test_bad_images_get_400_or_415_naming_the_field(client, device, payload, status, error):
    response = _post_json(client, device, "verify", {
        "mode": "face_document", "purpose": "CONTROL_MIGRATORIO",
        "face": base64.b64encode(payload).decode(), "document_face": "AAAA"})
    assert response.status_code == status
    assert response.json()["error"] == error and "face" in response.json()["fields"]


def test_an_oversized_upload_gets_413(client, device):
    from django.core.files.uploadedfile import SimpleUploadedFile

    huge = SimpleUploadedFile("face.jpg", b"\xff\xd8\xff" + bytes(10 * 1024 * 1024 + 10), content_type="image/jpeg")
    response = _post_multipart(client, device, "verify", {"mode": "face_document", "purpose": "CONTROL_MIGRATORIO",
                                                          "face": huge})
    assert response.status_code == 413 and response.json()["fields"]["face"]


def test_two_people_in_the_photo_is_a_400_with_the_count(client, device, faces_dir):
    response = _post_json(client, device, "verify", {
        "mode": "face_document", "purpose": "CONTROL_MIGRATORIO",
        "face": b64(faces_dir / "two_people.jpg"), "document_face": b64(faces_dir / "obama.jpg")})
    assert response.status_code == 400 and response.json()["faces_found"] == 2


def test_a_kiosk_enrolls_by_multipart_then_a_gate_verifies_and_identifies(
        client, device, officer, faces_dir, fingers_dir, make_person, signature_png, gallery_tmp,
        django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from biometria.services import station_token_issue

    person = make_person()
    files = {
        "person_id": str(person), "document_kind": "PASAPORTE",
        "officer_token": station_token_issue(actor=officer, device_key_id=device[0]),
        "face": SimpleUploadedFile("f.jpg", (faces_dir / "obama.jpg").read_bytes()),
        "finger_2": SimpleUploadedFile("p.png", (fingers_dir / "sourceafis_probe.png").read_bytes()),
        "missing_fingers": json.dumps([{"position": p, "reason": "AMPUTATED"} for p in (1, *range(3, 11))]),
        "signature": SimpleUploadedFile("s.png", signature_png),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_multipart(client, device, "enroll", files)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ACTIVE" and body["duplicate_case_id"] is None
    assert body["face_quality"]["acceptable"] and body["fingers"][0]["position"] == 2
    # A gate verifies the traveller's face 1:1 against the enrollment
    response = _post_json(client, device, "verify", {"mode": "face_person", "person_id": person,
                                                     "purpose": "CONTROL_MIGRATORIO",
                                                     "face": b64(faces_dir / "obama2.jpg")})
    assert response.status_code == 200 and response.json()["decision"] is True
    # And identifies a face 1:N
    response = _post_json(client, device, "identify", {"face": b64(faces_dir / "obama2.jpg"),
                                                         "purpose": "CONTROL_MIGRATORIO"})
    assert response.status_code == 200
    assert response.json()["identified"] is True and response.json()["candidates"][0]["person_id"] == person
    # An unknown face finds nobody
    response = _post_json(client, device, "identify", {"face": b64(faces_dir / "biden.jpg"),
                                                         "purpose": "CONTROL_MIGRATORIO"})
    assert response.json() == {"identified": False, "candidates": []}


def test_verifying_a_person_without_enrollment_is_a_404(client, device, faces_dir, make_person):
    response = _post_json(client, device, "verify", {"mode": "face_person", "person_id": make_person(),
                                                     "purpose": "TRAMITE", "face": b64(faces_dir / "obama.jpg")})
    assert response.status_code == 404 and "person_id" in response.json()["fields"]
