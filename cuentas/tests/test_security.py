"""Officers pass TOTP; logins are throttled; device requests are signed."""
import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cuentas.authentication import DeviceSignatureAuthentication, sign
from cuentas.services import device_register, staff_user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = staff_user_create(username="oficial", password="Oficial-2026!", role="officer", office=None,
                             password_change_required=False)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user, device


def test_an_officer_must_pass_totp_before_the_back_office(client, officer):
    user, device = officer
    # given an officer signed in with the password only
    response = client.post(reverse("cuentas:login"), {"username": "oficial", "password": "Oficial-2026!"})
    assert response.status_code == 302 and reverse("cuentas:otp") in response["Location"]
    # then the back office sends them to the second factor
    response = client.get("/admin/")
    assert response.status_code == 302 and reverse("cuentas:otp") in response["Location"]
    # when the right code is given, the back office opens
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("cuentas:otp"), {"token": code, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_totp_code_does_not_open_the_back_office(client, officer):
    client.post(reverse("cuentas:login"), {"username": "oficial", "password": "Oficial-2026!"})
    response = client.post(reverse("cuentas:otp"), {"token": "123456"})
    assert response.status_code == 400
    assert "incorrecto" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_repeated_failed_logins_lock_the_account(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("cuentas:login"), {"username": "oficial", "password": "wrong-password"})
    # then even the right password is refused for a while
    response = client.post(reverse("cuentas:login"), {"username": "oficial", "password": "Oficial-2026!"})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()


def _signed(path: str, body: bytes, key: str, secret: str, *, ts: int | None = None, nonce: str = "n" * 20,
            signature: str | None = None):
    ts_s = str(ts if ts is not None else int(time.time()))
    sig = signature or sign(secret, "POST", path, ts_s, nonce, body)
    request = APIRequestFactory().post(path, data=body, content_type="application/json",
                                       HTTP_X_DEVICE_KEY=key, HTTP_X_TIMESTAMP=ts_s, HTTP_X_NONCE=nonce,
                                       HTTP_X_SIGNATURE=sig)
    return Request(request)


def test_device_signature_is_checked_and_replays_refused():
    credential, secret = device_register(key_id="GATE-T1", crossing_point="AIJCH")
    auth = DeviceSignatureAuthentication()
    body = b'{"direction":"ENTRY"}'
    # a well-signed request authenticates as the device
    user, cred = auth.authenticate(_signed("/api/v1/egates/verifications?x=1", body, "GATE-T1", secret))
    assert cred.key_id == "GATE-T1" and user.has_role("device")
    # the same nonce again is a replay
    with pytest.raises(AuthenticationFailed, match="replayed_nonce"):
        auth.authenticate(_signed("/api/v1/egates/verifications?x=1", body, "GATE-T1", secret))
    # a stale timestamp, a short nonce, a wrong signature: each refused with its reason
    with pytest.raises(AuthenticationFailed, match="stale_timestamp"):
        auth.authenticate(_signed("/p", body, "GATE-T1", secret, ts=int(time.time()) - 301, nonce="a" * 16))
    with pytest.raises(AuthenticationFailed, match="bad_nonce"):
        auth.authenticate(_signed("/p", body, "GATE-T1", secret, nonce="short"))
    with pytest.raises(AuthenticationFailed, match="bad_signature"):
        auth.authenticate(_signed("/p", body, "GATE-T1", "other-secret", nonce="b" * 16))
