"""Citizen sign-up checked with RENIEC over HTTP; foreigner sign-up with a verified e-mail."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from cuentas.models import User
from integraciones.reniec import get_client, verification_digit

pytestmark = pytest.mark.django_db


def _signs_in(client, username: str, password: str) -> bool:
    client.logout()
    response = client.post(reverse("cuentas:login"), {"username": username, "password": password})
    return response.status_code == 302

DNI = "70275722"


def _form(**overrides):
    record = get_client().lookup(DNI, with_photo=False)
    data = {
        "dni": DNI,
        "verification_digit": verification_digit(DNI),
        "issue_date": record.issue_date.isoformat(),
        "email": "jorge@example.pe",
        "password": "Un-pasaporte-2026",
        "password2": "Un-pasaporte-2026",
        "personal_data_consent": "on",
    }
    data.update(overrides)
    return data


def test_a_citizen_signs_up_with_dni_checked_by_reniec_and_can_sign_in(client, external_systems):
    # when a citizen fills the form with the data printed on the DNI
    response = client.post(reverse("cuentas:signup_citizen"), _form())
    # then the account exists with RENIEC's names and the citizen role, and sign-in works
    assert response.status_code == 302
    user = User.objects.get(dni=DNI)
    assert user.last_name.startswith("CARDENAS")
    assert user.has_role("citizen")
    assert _signs_in(client, DNI, "Un-pasaporte-2026")


def test_wrong_verification_digit_is_shown_on_its_field_and_no_account_is_made(client, external_systems):
    wrong = str((int(verification_digit(DNI)) + 1) % 10)
    response = client.post(reverse("cuentas:signup_citizen"), _form(verification_digit=wrong))
    assert response.status_code == 400
    assert response.context["form"].errors["verification_digit"]
    assert not User.objects.filter(dni=DNI).exists()


def test_wrong_issue_date_is_shown_on_its_field(client, external_systems):
    response = client.post(reverse("cuentas:signup_citizen"), _form(issue_date="2001-01-01"))
    assert response.status_code == 400
    assert response.context["form"].errors["issue_date"]
    assert not User.objects.filter(dni=DNI).exists()


def test_reniec_down_says_so_creates_nothing_and_a_retry_succeeds(client, external_systems):
    # given RENIEC failing for the next requests
    data = _form()
    external_systems.fault("reniec", status=503)
    # when the citizen submits
    response = client.post(reverse("cuentas:signup_citizen"), data)
    # then the page says RENIEC does not answer, and nothing was created
    assert response.status_code == 503
    assert "RENIEC no responde" in response.content.decode()
    assert not User.objects.filter(dni=DNI).exists()
    # and once RENIEC is back, the same submission works
    external_systems.clear_faults()
    assert client.post(reverse("cuentas:signup_citizen"), data).status_code == 302
    assert User.objects.filter(dni=DNI).count() == 1


def test_unknown_dni_is_refused_on_the_dni_field(client, external_systems):
    response = client.post(reverse("cuentas:signup_citizen"), _form(dni="00123456", verification_digit="0"))
    assert response.status_code == 400
    assert response.context["form"].errors["dni"]


def test_foreigner_account_is_active_only_after_the_email_link(client, django_capture_on_commit_callbacks):
    data = {
        "document_type": "PASAPORTE", "document_number": "ve7654321", "nationality": "VEN",
        "birth_date": "1990-03-04", "given_names": "Ana María", "surnames": "Rodríguez Pérez",
        "email": "ana@example.com", "password": "Residente-2026!", "password2": "Residente-2026!",
        "personal_data_consent": "on",
    }
    # when a foreigner signs up
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("cuentas:signup_foreigner"), data).status_code == 200
    user = User.objects.get(email="ana@example.com")
    # then the account cannot sign in yet, and a link was e-mailed
    assert not user.is_active
    assert not _signs_in(client, "ana@example.com", "Residente-2026!")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    # when the link is opened, the account works
    response = client.get(link.split("testserver", 1)[-1])
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_verified
    assert user.document_number == "VE7654321"
    assert _signs_in(client, "ana@example.com", "Residente-2026!")


def test_a_tampered_email_link_is_refused(client):
    response = client.get(reverse("cuentas:verify_email", args=["not-a-token"]))
    assert response.status_code == 400


def test_password_reset_by_email_lets_the_user_choose_a_new_password(client, external_systems):
    # given a citizen account
    client.post(reverse("cuentas:signup_citizen"), _form())
    # when they ask for a reset, an e-mail carries a link
    client.post(reverse("cuentas:password_reset"), {"email": "jorge@example.pe"})
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0).split("testserver", 1)[-1]
    form_page = client.get(link, follow=True)
    # and the link's form sets a new password that signs in
    response = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                           {"new_password1": "Nueva-clave-2026!", "new_password2": "Nueva-clave-2026!"})
    assert response.status_code == 302
    assert _signs_in(client, DNI, "Nueva-clave-2026!")
    assert not _signs_in(client, DNI, "Un-pasaporte-2026")
