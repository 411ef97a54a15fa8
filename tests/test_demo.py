"""The demo data: every role's sign-in works, officers with their TOTP code, the gate with its key."""
import json
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cuentas.authentication import DeviceSignatureAuthentication, sign
from rim.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", persons=60)
    return json.loads((tmp_path / "demo_credentials.json").read_text())["users"]


def test_seed_demo_fills_the_registry_with_the_demo_citizen(demo):
    assert Person.objects.count() >= 60
    assert Person.objects.filter(documents__number="70275722").exists()


def test_every_demo_role_can_sign_in(client, demo):
    roles_seen = set()
    for entry in demo:
        roles_seen.add(entry["role"])
        if entry["role"] == "device":
            continue
        client.logout()
        response = client.post(reverse("cuentas:login"), {"username": entry["username"], "password": entry["password"]})
        assert response.status_code == 302, entry["username"]
        if entry.get("totp_key_hex"):
            code = f"{totp(bytes.fromhex(entry['totp_key_hex'])):06d}"
            response = client.post(reverse("cuentas:otp"), {"token": code, "next": "/admin/"})
            assert response.status_code == 302 and response["Location"] == "/admin/", entry["username"]
            assert client.get("/admin/").status_code == 200
        assert client.get(reverse("my_data")).status_code == 200
    assert roles_seen == {"citizen", "foreigner", "officer", "supervisor", "device", "institution"}


def test_the_demo_gate_signs_requests_with_its_credentials(demo):
    gate = next(e for e in demo if e["role"] == "device")
    ts, nonce, body = str(int(time.time())), "demo-nonce-0123456789", b"{}"
    request = APIRequestFactory().post(
        "/api/v1/egates/heartbeat", data=body, content_type="application/json",
        HTTP_X_DEVICE_KEY=gate["key_id"], HTTP_X_TIMESTAMP=ts, HTTP_X_NONCE=nonce,
        HTTP_X_SIGNATURE=sign(gate["secret"], "POST", "/api/v1/egates/heartbeat", ts, nonce, body))
    user, credential = DeviceSignatureAuthentication().authenticate(Request(request))
    assert credential.crossing_point == "AIJCH"


def test_the_citizen_sees_own_record_and_who_consulted_it(client, demo):
    from auditoria.services import audit_record

    citizen = next(e for e in demo if e["role"] == "citizen")
    person = Person.objects.get(documents__number="70275722")
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="oficial.brena")
    audit_record(actor=officer, action="rim.person_get", kind="read", obj=person, person_id=person.pk,
                 purpose="control migratorio de salida")
    client.post(reverse("cuentas:login"), {"username": citizen["username"], "password": citizen["password"]})
    body = client.get(reverse("my_data")).content.decode()
    assert "CARDENAS" in body.upper()
    log = client.get(reverse("my_data_access_log")).content.decode()
    # the log says in words who looked and why, never the officer's username
    assert "Un servidor de MIGRACIONES" in log and "oficial.brena" not in log
    assert "control migratorio de salida" in log


def test_the_demo_foreigner_finds_a_notice_in_her_casilla(client, demo):
    # given the demo data
    # when the demo foreigner signs in and opens her mailbox
    response = client.post(reverse("cuentas:login"), {"username": "ana.rodriguez@example.com",
                                                      "password": "Extranjera-2026!"})
    assert response.status_code == 302
    page = client.get("/buzon/").content.decode()
    # then her casilla is active and the welcome notice is there, unread
    assert "Su casilla está activa" in page and "Bienvenida a su casilla electrónica" in page and "Sin leer" in page
