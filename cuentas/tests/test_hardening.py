"""Attacks on accounts and device requests, over HTTP (issue 10: items 5, 10, 14, 17).

Each test performs the attack that was found and asserts what the attacker (or the user) now sees.
"""
import json
import time

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from cuentas.authentication import sign
from cuentas.models import DeviceCredential
from cuentas.services import device_register, staff_user_create

pytestmark = pytest.mark.django_db

HEARTBEAT = "/api/v1/egates/heartbeat"


@pytest.fixture
def gate():
    credential, secret = device_register(key_id="GATE-HARD-01", crossing_point="AIJCH", actor="test")
    return credential, secret


def _device_headers(secret: str, path: str, body: bytes, *, ts: str | None = None, nonce: str = "hard-nonce-0123456789"):
    ts = ts or str(int(time.time()))
    return {"HTTP_X_DEVICE_KEY": "GATE-HARD-01", "HTTP_X_TIMESTAMP": ts, "HTTP_X_NONCE": nonce,
            "HTTP_X_SIGNATURE": sign(secret, "POST", path, ts, nonce, body)}


# --- item 10: bad input is a 4xx in the API's error shape ------------------------------------------

def test_a_400_digit_timestamp_is_refused_not_a_server_error(client, gate):
    _credential, secret = gate
    # given a device request whose X-Timestamp has 400 digits (int() takes it; float arithmetic overflows)
    body = b'{"state": "OK"}'
    headers = _device_headers(secret, HEARTBEAT, body, ts="9" * 400)
    response = client.post(HEARTBEAT, body, content_type="application/json", **headers)
    # then the device is told its timestamp is bad, in the API's JSON error shape
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    assert "bad_timestamp" in response.json()["message"]


def test_deeply_nested_json_is_a_400_not_a_server_error(client):
    # given a public API sent 100 000 nested arrays (json.loads hits the recursion limit)
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/tam/verify", body, content_type="application/json")
    # then it is a bad request in the API's error shape
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "validation_failed"


def test_a_body_over_the_limit_is_a_413_in_json(client, gate, settings):
    _credential, secret = gate
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    # given a signed device request of 2 MB
    body = json.dumps({"state": "OK", "padding": "x" * (2 * 1024 * 1024)}).encode()
    response = client.post(HEARTBEAT, body, content_type="application/json",
                           **_device_headers(secret, HEARTBEAT, body))
    # then it is refused as too large, in JSON (it used to be Django's 400 HTML page)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


# --- item 14: device secrets are sealed at rest -----------------------------------------------------

def test_device_secrets_are_stored_encrypted_and_still_check_signatures(client, gate):
    credential, secret = gate
    # given a registered device, its row in the database does not hold the secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_secret FROM cuentas_devicecredential WHERE key_id = %s", ["GATE-HARD-01"])
        [stored] = cursor.fetchone()
    assert secret not in stored and stored.startswith("v1:dev1:")
    # and a request signed with the secret is still accepted
    body = b'{"state": "OK", "components": {}}'
    response = client.post(HEARTBEAT, body, content_type="application/json", **_device_headers(secret, HEARTBEAT, body))
    assert response.status_code != 401, response.content


def test_a_sealed_secret_copied_to_another_device_does_not_open(gate):
    from cuentas.sealing import SecretUnreadable

    credential, _secret = gate
    other, _ = device_register(key_id="GATE-HARD-02", crossing_point="AIJCH", actor="test")
    # given someone with write access to the table who copies one gate's sealed secret to another
    DeviceCredential.objects.filter(pk=other.pk).update(sealed_secret=credential.sealed_secret)
    # then it does not open: each sealed secret is bound to its own key id
    with pytest.raises(SecretUnreadable):
        DeviceCredential.objects.get(pk=other.pk).secret


def test_the_migration_seals_secrets_stored_in_clear(transactional_db):
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    # given the schema before sealing, with a secret in clear
    call_command("migrate", "cuentas", "0002", verbosity=0)
    try:
        old_state = MigrationExecutor(connection).loader.project_state(("cuentas", "0002_devicecredential_devicenonce"))
        OldUser = old_state.apps.get_model("cuentas", "User")
        OldCredential = old_state.apps.get_model("cuentas", "DeviceCredential")
        user = OldUser.objects.create(username="device-OLD-GATE")
        OldCredential.objects.create(user=user, key_id="OLD-GATE", secret="clear-secret-0123456789")
        # when the migrations run
        call_command("migrate", "cuentas", verbosity=0)
        # then the row holds only the sealed secret, which opens to the old one
        credential = DeviceCredential.objects.get(key_id="OLD-GATE")
        assert "clear-secret" not in credential.sealed_secret
        assert credential.secret == "clear-secret-0123456789"
    finally:
        call_command("migrate", verbosity=0)


# --- item 17: lockout per account, whatever the address ---------------------------------------------

def test_the_lockout_is_not_reset_by_a_new_source_address(client, settings):
    staff_user_create(username="oficial.lock", password="Oficial-2026!", role="officer", office=None)
    # given five failures, each from another address (and another forged X-Forwarded-For)
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("cuentas:login"), {"username": "oficial.lock", "password": "wrong-password"},
                    REMOTE_ADDR=f"203.0.113.{i + 1}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i + 1}")
    # when the right password comes from yet another address
    response = client.post(reverse("cuentas:login"), {"username": "oficial.lock", "password": "Oficial-2026!"},
                           REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="192.0.2.78")
    # then the account is still locked
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()


# --- items 5 and 17: the password reset ---------------------------------------------------------------

@pytest.fixture
def citizen_with_email(django_user_model):
    return django_user_model.objects.create_user(username="70000001", email="victima@example.pe",
                                                 password="Ciudadano-2026!")


def test_the_reset_link_is_built_from_site_url_not_the_host_header(client, citizen_with_email, settings):
    settings.SITE_URL = "https://portal.migraciones.example"
    settings.ALLOWED_HOSTS = ["portal.migraciones.example", "evil.example"]
    # given an attacker who asks a reset for the victim with their own Host header
    response = client.post(reverse("cuentas:password_reset"), {"email": "victima@example.pe"},
                           HTTP_HOST="evil.example")
    assert response.status_code == 302
    # then the victim's e-mail links to the portal, never to the attacker's host
    [message] = mail.outbox
    assert "https://portal.migraciones.example/cuentas/clave/nueva/" in message.body
    assert "evil.example" not in message.body


def test_password_resets_are_throttled_per_account_and_per_address(client, citizen_with_email, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset_account": "3/hour",
                               "password_reset_ip": "5/hour"}
    url = reverse("cuentas:password_reset")
    # given three resets of one account, from three addresses
    for i in range(3):
        assert client.post(url, {"email": "victima@example.pe"}, REMOTE_ADDR=f"203.0.113.{i}").status_code == 302
    # then a fourth, from a fourth address, is refused and sends nothing
    refused = client.post(url, {"email": "VICTIMA@example.pe"}, REMOTE_ADDR="203.0.113.99")
    assert refused.status_code == 429 and "Demasiados intentos" in refused.content.decode()
    assert len(mail.outbox) == 3
    # and one address asking for many accounts is refused too (5 per address)
    for i in range(5):
        client.post(url, {"email": f"otro{i}@example.pe"}, REMOTE_ADDR="198.51.100.7")
    assert client.post(url, {"email": "otro9@example.pe"}, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_the_e_mail_verification_link_is_built_from_site_url(client, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://portal.migraciones.example"
    settings.ALLOWED_HOSTS = ["portal.migraciones.example", "evil.example"]
    data = {"document_type": "PASAPORTE", "document_number": "X1234567", "nationality": "COL",
            "birth_date": "1990-01-01", "given_names": "ANA", "surnames": "GOMEZ", "email": "ana@example.co",
            "password": "Extranjera-2026!", "password2": "Extranjera-2026!", "personal_data_consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cuentas:signup_foreigner"), data, HTTP_HOST="evil.example")
    assert response.status_code == 200
    [message] = mail.outbox
    assert "https://portal.migraciones.example/cuentas/verificar-correo/" in message.body
    assert "evil.example" not in message.body


# --- item 17: headers --------------------------------------------------------------------------------

def test_pages_carry_a_content_security_policy_and_a_permissions_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    # scripts only from the portal (no inline script without the request's nonce), no framing, no plugins
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]


def test_the_capture_page_may_use_the_camera_and_its_script_carries_the_nonce(client):
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cuentas.models import Office

    office = Office.objects.create(code="T-CSP", name="Sede T", address="x", city="Lima")
    officer = staff_user_create(username="oficial.csp", password="Oficial-2026!", role="officer", office=office,
                                password_change_required=False)
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.force_login(officer)
    request = type("R", (), {"session": client.session, "user": officer})()
    otp_login(request, device)
    request.session.save()
    response = client.get(reverse("biometria:capture"))
    assert response.status_code == 200
    # the camera is allowed for the portal itself on this page only
    assert "camera=(self)" in response["Permissions-Policy"]
    # and its inline script runs because it carries the nonce the policy names
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "camera=()" in client.get("/").headers["Permissions-Policy"]


@pytest.mark.django_db
def test_a_sign_in_without_a_connection_address_is_logged_without_one(client, django_user_model):
    from axes.models import AccessLog

    user = django_user_model.objects.create_user(username="ciudadano.sin.ip", password="Clave-larga-2026!")
    # when a sign-in happens with no client address (the test client's force_login, a command)
    client.force_login(user)
    # then the sign-in is logged with no address (PostgreSQL's inet column refused "unknown": a 500)
    log = AccessLog.objects.get(username="ciudadano.sin.ip")
    assert log.ip_address is None
    assert client.get("/").status_code == 200
