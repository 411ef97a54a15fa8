"""Issue 12, item 2: the home page's cards never lead to a bare 403; a service a person cannot use says why
and what to do instead."""
import pytest
from django.urls import reverse

from pasaporte.tests import factories

pytestmark = pytest.mark.django_db


def _card(body: str, name: str) -> str:
    start = body.index(name)
    return body[start:body.index("</li>", start)]


def test_an_anonymous_visitor_is_sent_to_sign_in_with_the_reason(client):
    body = client.get("/").content.decode()
    card = _card(body, "Pasaporte electrónico")
    assert "Ingrese con su DNI para usar este servicio." in card
    assert f'href="{reverse("cuentas:login")}?next=%2Fpasaporte%2F"' in body
    # and following it never ends on a 403
    assert client.get(reverse("cuentas:login") + "?next=/pasaporte/").status_code == 200


def test_a_foreigner_sees_why_the_passport_is_not_for_them_and_what_to_do(client):
    from django.contrib.auth import get_user_model

    from cuentas.services import user_role_add

    foreigner = get_user_model().objects.create_user(username="ce001234", password="Extranjero-2026!",
                                                     email="ext@example.pe")
    user_role_add(user=foreigner, role="foreigner")
    client.force_login(foreigner)
    body = client.get("/").content.decode()
    card = _card(body, "Pasaporte electrónico")
    assert 'href="/pasaporte/"' not in body and "solo con DNI" in card and "consulado" in card
    # the services they can use are links
    assert f'href="{reverse("buzon:home")}"' in body and f'href="{reverse("tam:download")}"' in body


def test_a_citizen_gets_the_links_and_an_officer_is_told_to_use_a_personal_account(client, db):
    citizen = factories.citizen()
    client.force_login(citizen)
    body = client.get("/").content.decode()
    assert 'href="/pasaporte/"' in body and "card-why" not in body
    office = factories.office()
    officer = factories.staff("oficial.cards", "officer", office)
    factories.login_staff(client, officer)
    body = client.get("/").content.decode()
    assert 'href="/pasaporte/"' not in body and "Su cuenta es de servidor" in _card(body, "Pasaporte electrónico")
