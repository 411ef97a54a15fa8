"""The signed device API over the test client: 401 reasons, idempotency, alerts, heartbeat, supervisor page."""
import json
import time

import pytest
from rest_framework.test import APIClient

from control.models import Crossing
from control.tests.conftest import b64, make_chip, td3
from egates.client import GateCredentials, signed_headers

from .conftest import GATE_KEY, GATE_SECRET

pytestmark = pytest.mark.django_db
PATH = "/api/v1/egates/verifications"
CREDS = GateCredentials(GATE_KEY, GATE_SECRET)


def _post(body: dict | bytes, *, headers: dict | None = None, path: str = PATH, **sign_kwargs):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signed = headers or signed_headers(CREDS, "POST", path, raw, **sign_kwargs)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items() if k != "Content-Type"}
    return APIClient().generic("POST", path, raw, content_type="application/json", **extra)


def _counter_body(number: str = "PQ1234567", **extra) -> dict:
    return {"direction": "ENTRY", "mrz": td3(number=number), "boarding": {"flight": "AV0081", "origin": "Bogotá"},
            **extra}


def test_wrong_signature_is_401_with_reason(gate):
    raw = json.dumps(_counter_body()).encode()
    headers = signed_headers(CREDS, "POST", PATH, raw)
    headers["X-Signature"] = "0" * 64
    response = _post(raw, headers=headers)
    assert response.status_code == 401
    assert response.json()["message"].startswith("bad_signature")
    assert not Crossing.objects.exists()


def test_stale_timestamp_is_401(gate):
    response = _post(_counter_body(), timestamp=int(time.time()) - 301)
    assert response.status_code == 401 and response.json()["message"].startswith("stale_timestamp")


def test_replayed_request_is_401(gate, external_systems):
    raw = json.dumps(_counter_body()).encode()
    headers = signed_headers(CREDS, "POST", PATH, raw)
    first = _post(raw, headers=headers)
    replay = _post(raw, headers=headers)
    assert first.status_code == 200
    assert replay.status_code == 401 and replay.json()["message"].startswith("replayed_nonce")
    assert Crossing.objects.count() == 1


def test_body_changed_after_signing_is_401(gate):
    raw = json.dumps(_counter_body()).encode()
    headers = signed_headers(CREDS, "POST", PATH, raw)
    response = _post(raw.replace(b"AV0081", b"AV0082"), headers=headers)
    assert response.status_code == 401 and response.json()["message"].startswith("bad_signature")


def test_retry_with_same_idempotency_key_returns_first_answer(gate, external_systems):
    raw = json.dumps(_counter_body()).encode()
    key = {"Idempotency-Key": "retry-0001"}
    first = _post(raw, headers={**signed_headers(CREDS, "POST", PATH, raw), **key})
    retry = _post(raw, headers={**signed_headers(CREDS, "POST", PATH, raw), **key})
    assert first.status_code == retry.status_code == 200
    assert retry.json()["transaction_id"] == first.json()["transaction_id"]
    assert Crossing.objects.count() == 1
    other = json.dumps(_counter_body(number="PQ7654321")).encode()
    clash = _post(other, headers={**signed_headers(CREDS, "POST", PATH, other), **key})
    assert clash.status_code == 422 and "Idempotency-Key" in clash.json()["fields"]


def test_gate_answer_has_every_field_and_refers_without_chip(gate, external_systems):
    response = _post(_counter_body())
    body = response.json()
    assert response.status_code == 200
    assert set(body) >= {"transaction_id", "decision", "reasons", "checks", "tam_number", "movement_id", "elapsed_ms"}
    assert body["decision"] == "REFER" and body["tam_number"] is None
    assert {c["name"]: c["result"] for c in body["checks"]}["passive_authentication"] == "FAIL"
    assert all(isinstance(c["ms"], int) for c in body["checks"])


def test_invalid_base64_names_the_field(gate):
    response = _post(_counter_body(live_face="@@not-base64@@"))
    assert response.status_code == 400 and "live_face" in response.json()["fields"]


def test_base64_fields_that_are_not_text_name_the_field_and_record_nothing(gate):
    response = _post(_counter_body(live_face=12345))
    assert response.status_code == 400 and "live_face" in response.json()["fields"]
    response = _post(_counter_body(chip={"dg1": ["x"], "sod": "AAAA"}))
    assert response.status_code == 400 and "dg1" in json.dumps(response.json()["fields"])
    assert not Crossing.objects.exists()


def test_not_an_image_is_415(gate, external_systems):
    response = _post(_counter_body(live_face=b64(b"%PDF-1.4 not a face")))
    assert response.status_code == 415 and "live_face" in response.json()["fields"]


def test_sltd_hit_through_the_api_is_referred(gate, external_systems, faces, foreign_pki):
    mrz = td3(number="PR1234999")
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    body = {"direction": "ENTRY", "mrz": mrz, "live_face": b64(faces.same_person),
            "chip": {"dg1": b64(chip.dg1), "dg2": b64(chip.dg2), "sod": b64(chip.sod)}}
    answer = _post(body).json()
    assert answer["decision"] == "REFER"
    assert any(r.startswith("alerts_interpol_sltd") for r in answer["reasons"])


def test_heartbeat_is_shown_on_the_supervisors_page(gate, client, django_user_model):
    raw = json.dumps({"status": "DEGRADED", "components": {"camera": "ok", "reader": "fault"},
                      "message": "lector de chip sin respuesta"}).encode()
    path = "/api/v1/egates/heartbeat"
    response = _post(raw, path=path, headers=signed_headers(CREDS, "POST", path, raw))
    assert response.status_code == 200 and response.json()["status"] == "DEGRADED"
    from cuentas.services import user_role_add

    supervisor = django_user_model.objects.create_user(username="sup", password="x-Secreta-2026")
    user_role_add(user=supervisor, role="supervisor")
    from control.services import officer_post_assign

    officer_post_assign(actor="test", user=supervisor, crossing_point="AIJCH")
    client.force_login(supervisor)
    session = client.session
    session["otp_device_id"] = _otp_device_id(supervisor)
    session.save()
    page = client.get("/egates/")
    assert page.status_code == 200
    text = page.content.decode()
    assert GATE_KEY in text and "lector de chip sin respuesta" in text
    # the page does not reload itself: it asks for its table in the background (static/js/poll.js)
    assert 'http-equiv="refresh"' not in text and "js/poll.js" in text and 'aria-live="polite"' in text
    region = client.get("/egates/", HTTP_X_POLL="1").content.decode()
    assert "<html" not in region and GATE_KEY in region and "lector de chip sin respuesta" in region


def _otp_device_id(user) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device.persistent_id
