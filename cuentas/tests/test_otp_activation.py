"""Officers' second factor is enrolled with a supervisor's one-time code, not on first use (issue 10, item 12)."""
import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cuentas.models import Office, OtpActivation
from cuentas.services import otp_activation_issue, staff_user_create

pytestmark = pytest.mark.django_db

PASSWORD = "Temporal-2026!"


@pytest.fixture
def sede():
    return Office.objects.create(code="LIM-T", name="Sede T", address="Av. 1", city="Lima")


@pytest.fixture
def supervisor(sede):
    user = staff_user_create(username="sup.t", password="Supervisor-2026!", role="supervisor", office=sede,
                             password_change_required=False)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


@pytest.fixture
def new_officer(sede):
    return staff_user_create(username="oficial.nuevo", password=PASSWORD, role="officer", office=sede)


def _code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client, username: str, password: str):
    return client.post(reverse("cuentas:login"), {"username": username, "password": password})


def _sign_in_with_totp(client, user, password: str):
    _sign_in(client, user.username, password)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return client.post(reverse("cuentas:otp"), {"token": _code_of(device), "next": "/"})


def test_a_password_alone_never_shows_the_totp_secret(client, new_officer):
    # given someone who has only the new officer's password
    response = _sign_in(client, "oficial.nuevo", PASSWORD)
    assert reverse("cuentas:otp") in response["Location"]
    # when they open the second-factor set-up
    page = client.get(reverse("cuentas:otp_setup"))
    # then they are asked for an activation code and see no secret, no QR
    body = page.content.decode()
    assert page.status_code == 200 and "código de activación" in body.lower()
    assert "<svg" not in body and not TOTPDevice.objects.filter(user=new_officer).exists()
    # and a guessed code is refused
    wrong = client.post(reverse("cuentas:otp_setup"), {"activation_code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 400 and "<svg" not in wrong.content.decode()
    # and the back office stays closed
    assert client.get("/control/").status_code == 302


def test_supervisor_issues_a_code_the_officer_enrolls_with_then_changes_the_password(client, supervisor, new_officer):
    # given the supervisor of the officer's sede on the activation page
    _sign_in_with_totp(client, supervisor, "Supervisor-2026!")
    page = client.get(reverse("cuentas:otp_activations"))
    assert "oficial.nuevo" in page.content.decode()
    issued = client.post(reverse("cuentas:otp_activations"), {"user_id": new_officer.pk})
    code = issued.context["issued"][1]
    assert code in issued.content.decode() and issued["Cache-Control"] == "no-store"
    # only its hash is kept
    assert code.replace("-", "") not in str(list(OtpActivation.objects.values()))
    client.logout()

    # when the officer signs in with the password and gives the code
    _sign_in(client, "oficial.nuevo", PASSWORD)
    response = client.post(reverse("cuentas:otp_setup"), {"activation_code": code.lower()})
    assert response.status_code == 302
    setup = client.get(reverse("cuentas:otp_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=new_officer, confirmed=False)
    response = client.post(reverse("cuentas:otp_setup"), {"token": _code_of(device), "next": "/control/"})
    # then the first sign-in goes on to change the password, and nothing else opens before that
    assert reverse("cuentas:password_change") in response["Location"]
    assert reverse("cuentas:password_change") in client.get("/control/")["Location"]
    response = client.post(reverse("cuentas:password_change") + "?next=/control/",
                           {"old_password": PASSWORD, "new_password1": "Mi-Clave-Propia-2026",
                            "new_password2": "Mi-Clave-Propia-2026"})
    assert response.status_code == 302 and response["Location"] == "/control/"
    new_officer.refresh_from_db()
    assert new_officer.password_change_required is False and new_officer.check_password("Mi-Clave-Propia-2026")
    # and the back office answers (no more detours to the second factor or the password)
    assert client.get("/control/").status_code != 302


def test_an_activation_code_works_once(client, supervisor, new_officer):
    code = otp_activation_issue(user=new_officer, actor=supervisor)
    _sign_in(client, "oficial.nuevo", PASSWORD)
    assert client.post(reverse("cuentas:otp_setup"), {"activation_code": code}).status_code == 302
    # given a second session (the same password) trying the same code
    other = client.__class__()
    _sign_in(other, "oficial.nuevo", PASSWORD)
    response = other.post(reverse("cuentas:otp_setup"), {"activation_code": code})
    assert response.status_code == 400 and "<svg" not in response.content.decode()


def test_an_activation_code_expires(client, supervisor, new_officer):
    code = otp_activation_issue(user=new_officer, actor=supervisor, ttl=dt.timedelta(hours=1))
    OtpActivation.objects.update(expires_at=OtpActivation.objects.get().created_at - dt.timedelta(seconds=1))
    _sign_in(client, "oficial.nuevo", PASSWORD)
    assert client.post(reverse("cuentas:otp_setup"), {"activation_code": code}).status_code == 400


def test_a_supervisor_of_another_sede_cannot_issue_a_code(client, new_officer):
    other_sede = Office.objects.create(code="CUS-T", name="Sede Cusco T", address="x", city="Cusco")
    outsider = staff_user_create(username="sup.cusco", password="Supervisor-2026!", role="supervisor",
                                 office=other_sede, password_change_required=False)
    TOTPDevice.objects.create(user=outsider, name="app", confirmed=True)
    _sign_in_with_totp(client, outsider, "Supervisor-2026!")
    # the officer of another sede is not offered, and posting their id issues nothing
    assert "oficial.nuevo" not in client.get(reverse("cuentas:otp_activations")).content.decode()
    response = client.post(reverse("cuentas:otp_activations"), {"user_id": new_officer.pk})
    assert response.context["issued"] is None and not OtpActivation.objects.exists()


def test_a_supervisor_without_the_second_factor_cannot_issue_codes(client, supervisor, new_officer):
    # given the supervisor's password alone
    _sign_in(client, "sup.t", "Supervisor-2026!")
    response = client.post(reverse("cuentas:otp_activations"), {"user_id": new_officer.pk})
    assert reverse("cuentas:otp") in response["Location"] and not OtpActivation.objects.exists()


def test_the_management_command_prints_a_working_code(client, new_officer, capsys):
    call_command("otp_activation", "oficial.nuevo")
    code = capsys.readouterr().out.strip()
    _sign_in(client, "oficial.nuevo", PASSWORD)
    assert client.post(reverse("cuentas:otp_setup"), {"activation_code": code}).status_code == 302


def test_staff_sessions_end_after_30_idle_minutes_and_8_hours(client, supervisor, settings):
    _sign_in_with_totp(client, supervisor, "Supervisor-2026!")
    assert client.get(reverse("cuentas:otp_activations")).status_code == 200
    # given 31 minutes without a request
    session = client.session
    session["staff_session_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get("/control/cola/")
    # then the supervisor is signed out and sent to sign in again
    assert reverse("cuentas:login") in response["Location"]
    assert "_auth_user_id" not in client.session
    # and a session begun 8 hours ago ends even while in use
    _sign_in_with_totp(client, supervisor, "Supervisor-2026!")
    session = client.session
    session["staff_session_started"] = time.time() - 8 * 3600 - 1
    session.save()
    assert reverse("cuentas:login") in client.get("/control/cola/")["Location"]


def test_citizens_keep_the_usual_session(client, django_user_model, settings):
    django_user_model.objects.create_user(username="70000002", password="Ciudadano-2026!")
    _sign_in(client, "70000002", "Ciudadano-2026!")
    session = client.session
    session["staff_session_seen"] = time.time() - 3600
    session.save()
    assert client.get(reverse("my_data")).status_code == 200
    assert client.session.get_expiry_age() > settings.STAFF_SESSION_IDLE_S
