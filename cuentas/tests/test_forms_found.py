"""Bad input on the account forms (issue 12, item 11): real nationalities only, no future birth dates,
the right TOTP code right after a wrong one, a warning before the sign-in lockout, and a reset e-mail
whose subject says what it is; and the one error pattern of the shared form include (item 3)."""
import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cuentas.models import User
from cuentas.services import staff_user_create

pytestmark = pytest.mark.django_db

SIGNUP = "/cuentas/registro/extranjero/"


def _foreigner(**overrides) -> dict:
    data = {"document_type": "PASAPORTE", "document_number": "VE7654321", "nationality": "VEN",
            "birth_date": "1990-03-04", "given_names": "ANA", "surnames": "RODRIGUEZ", "email": "ana@example.com",
            "password": "Residente-2026!", "password2": "Residente-2026!", "personal_data_consent": "on"}
    data.update(overrides)
    return data


# --- nationality and birth date ---------------------------------------------------------------------

def test_nationality_is_a_picker_of_icao_codes_with_names(client):
    body = client.get(SIGNUP).content.decode()
    select = re.search(r'<select name="nationality"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert '<option value="VEN">Venezuela (VEN)</option>' in select
    assert '<option value="DEU">Alemania (DEU)</option>' in select
    assert '<option value="XXA">Apátrida (XXA)</option>' in select
    # organisations and specimen states are not nationalities
    assert 'value="XPO"' not in select and 'value="UTO"' not in select
    # in English the names are English (and sorted by them)
    client.cookies["django_language"] = "en"
    english = client.get(SIGNUP).content.decode()
    assert '<option value="DEU">Germany (DEU)</option>' in english


@pytest.mark.parametrize("code", ["ZZZ", "VE", "XPO", "<script>"])
def test_a_made_up_nationality_is_refused_on_its_field(client, code):
    response = client.post(SIGNUP, _foreigner(nationality=code))
    assert response.status_code == 400
    assert response.context["form"].errors["nationality"] == ["Elija su nacionalidad de la lista"]
    assert not User.objects.filter(email="ana@example.com").exists()


def test_the_service_refuses_a_made_up_nationality_too():
    from core.errors import ValidationFailed
    from cuentas.services import foreigner_signup

    with pytest.raises(ValidationFailed) as refused:
        foreigner_signup(document_type="PASAPORTE", document_number="X1", nationality="ZZZ",
                         birth_date=dt.date(1990, 1, 1), given_names="A", surnames="B", email="a@example.com",
                         password="Residente-2026!", verify_url_base="http://x", personal_data_consent=True)
    assert "nationality" in refused.value.fields


def test_a_future_birth_date_is_refused_on_its_field(client):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(SIGNUP, _foreigner(birth_date=tomorrow))
    assert response.status_code == 400
    assert response.context["form"].errors["birth_date"] == ["La fecha de nacimiento no puede ser futura"]
    assert not User.objects.filter(email="ana@example.com").exists()
    # and the date picker itself stops at today
    assert f'max="{timezone.localdate().isoformat()}"' in response.content.decode()


def test_a_real_nationality_and_a_past_birth_date_make_the_account(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(SIGNUP, _foreigner(nationality="DEU")).status_code == 200
    assert User.objects.get(email="ana@example.com").nationality == "DEU"


# --- the error pattern (item 3, shared include) ------------------------------------------------------

def test_a_failed_form_has_a_focused_summary_linking_each_field_and_error_in_the_title(client):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(SIGNUP, _foreigner(nationality="ZZZ", birth_date=tomorrow, password2="Otra-2026-!!"))
    body = response.content.decode()
    # the title starts with "Error:"
    assert re.search(r"<title>Error: ", body)
    # one summary, first in the form, that takes the focus (tabindex -1 and the page's script)
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', body, re.S)
    assert summary and 'tabindex="-1"' in summary.group(0) and 'role="alert"' in summary.group(0)
    assert "js/error-summary.js" in body
    # a link to each field in error, each message once in the summary
    links = re.findall(r'<a href="#(id_\w+)">', summary.group(1))
    assert links == ["id_nationality", "id_birth_date", "id_password2"]
    for message in ("Elija su nacionalidad de la lista", "La fecha de nacimiento no puede ser futura",
                    "Las contraseñas no coinciden"):
        assert summary.group(1).count(message) == 1
        assert body.count(message) == 2  # the summary, and beside its field
    # the fields in error are marked as errors, never as a success
    assert body.count('class="field field-error"') == 3
    assert "success" not in summary.group(0)


def test_a_page_without_errors_has_no_summary_and_no_error_title(client):
    body = client.get(SIGNUP).content.decode()
    assert "error-summary" not in body.split("</head>")[1] and "<title>Error:" not in body


def test_only_a_success_message_is_styled_green():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    default = re.search(r"\.messages li \{([^}]*)\}", css).group(1)
    assert "#eef6ee" not in default and "--ok" not in default
    assert "#eef6ee" in re.search(r"\.messages li\.success \{([^}]*)\}", css).group(1)
    for tag in ("error", "warning"):
        rule = re.search(rf"\.messages li\.{tag} \{{([^}}]*)\}}", css).group(1)
        assert "#eef6ee" not in rule and "--ok" not in rule


# --- TOTP --------------------------------------------------------------------------------------------

@pytest.fixture
def officer(client):
    user = staff_user_create(username="oficial", password="Oficial-2026!", role="officer", office=None,
                             password_change_required=False)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.post(reverse("cuentas:login"), {"username": "oficial", "password": "Oficial-2026!"})
    return device


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_right_totp_code_works_right_after_a_wrong_one(client, officer):
    code = _code(officer)
    # given a typo
    wrong = client.post(reverse("cuentas:otp"), {"token": _wrong(code), "next": "/admin/"})
    assert wrong.status_code == 400 and "Código incorrecto o vencido" in wrong.content.decode()
    # when the officer types the right code at once
    right = client.post(reverse("cuentas:otp"), {"token": code, "next": "/admin/"})
    # then it is accepted
    assert right.status_code == 302 and right["Location"] == "/admin/"


def test_totp_guesses_are_still_limited_per_account(client, officer, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "otp_verify_user": "3/hour"}
    code = _code(officer)
    for _ in range(3):
        assert client.post(reverse("cuentas:otp"), {"token": _wrong(code)}).status_code == 400
    # the fourth guess is refused on the designed page, even with the right code
    refused = client.post(reverse("cuentas:otp"), {"token": code})
    assert refused.status_code == 429 and "Demasiados intentos" in refused.content.decode()
    assert client.get("/admin/").status_code == 302


# --- sign-in lockout warning -------------------------------------------------------------------------

def test_the_sign_in_warns_before_the_lockout(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    User.objects.create_user(username="ana@example.com", email="ana@example.com", password="Residente-2026!")
    answers = [client.post(reverse("cuentas:login"), {"username": "ana@example.com", "password": "mal"}).content.decode()
               for _ in range(4)]
    # the first two failures say only that the data are wrong
    assert all("intento" not in body for body in answers[:2])
    # then how many attempts are left, and for how long the lockout lasts
    assert "Le quedan 2 intentos. Si fallan, el ingreso se bloqueará 15 minutos." in answers[2]
    assert "Le queda 1 intento. Si falla, el ingreso se bloqueará 15 minutos." in answers[3]
    # and the fifth failure locks
    locked = client.post(reverse("cuentas:login"), {"username": "ana@example.com", "password": "mal"})
    assert locked.status_code == 429


def test_the_lockout_warning_in_english(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    client.cookies["django_language"] = "en"
    for _ in range(3):
        body = client.post(reverse("cuentas:login"), {"username": "nadie@example.com", "password": "mal"}).content.decode()
    assert "You have 2 attempts left. If they fail, sign-in will be locked for 15 minutes." in body


# --- password reset e-mail ---------------------------------------------------------------------------

def test_the_password_reset_e_mail_says_a_reset_was_requested(client):
    User.objects.create_user(username="victima", email="victima@example.pe", password="Ciudadano-2026!")
    assert client.post(reverse("cuentas:password_reset"), {"email": "victima@example.pe"}).status_code == 302
    [message] = mail.outbox
    assert message.subject == "MIGRACIONES: se solicitó restablecer su contraseña"
    assert "/cuentas/clave/nueva/" in message.body


def test_e_mails_go_in_the_language_the_person_chose_with_an_html_part(client, external_systems):
    # given a citizen who reads the portal in English
    from cuentas.models import User as Account

    user = Account.objects.create_user(username="70275722", dni="70275722", email="jorge@example.pe",
                                       password="Ciudadano-2026!")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # then the choice is kept on the account
    user.refresh_from_db()
    assert user.language == "en"
    # when they ask for a password reset from the English page
    client.logout()
    client.cookies["django_language"] = "en"
    client.post(reverse("cuentas:password_reset"), {"email": "jorge@example.pe"})
    # then the e-mail is English, in plain text and HTML
    [message] = mail.outbox
    assert message.subject == "MIGRACIONES: a password reset was requested"
    assert "A password reset was requested for your account" in message.body
    html = message.alternatives[0][0] if message.alternatives else ""
    assert "Choose a new password" in html and "restablecer" not in html
