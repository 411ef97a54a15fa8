"""After sign-in a person lands on their own summary, with what needs their attention; the header links to it."""
import pytest
from django.urls import reverse

from buzon.services import casilla_accept, notice_deposit
from pasaporte.tests.factories import citizen as make_citizen
from pasaporte.tests.factories import paid_application

pytestmark = pytest.mark.django_db


def test_a_citizen_lands_on_their_summary_and_sees_what_to_do(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # given a citizen whose passport fee is paid, with one unread notice in their casilla
    user = make_citizen()
    paid_application(user)
    casilla_accept(user=user, email=user.email, phone="987654321", accepted_terms=True, actor=user)
    notice_deposit(recipient=user, title="Aviso", body="Texto", record_kind="pruebas", record_id=1, actor="pruebas")
    # when they sign in
    response = client.post(reverse("cuentas:login"), {"username": user.username, "password": "Ciudadano-2026!"})
    # then they land on their summary, which says to book the appointment and to read the notice
    assert response.status_code == 302 and response["Location"] == reverse("my_summary")
    page = client.get(reverse("my_summary")).content.decode()
    assert "Reserve su cita para el enrolamiento en una sede." in page and reverse("pasaporte:book") in page
    assert "1 notificación sin leer" in page
    # and every page's header links to it
    assert f'href="{reverse("my_summary")}"' in client.get(reverse("home")).content.decode()


def test_a_citizen_with_nothing_pending_is_told_so(client):
    # given a citizen with no application and no notice
    user = make_citizen()
    client.force_login(user)
    page = client.get(reverse("my_summary")).content.decode()
    # then the one step offered is paying the fee
    assert "el primer paso es pagar la tasa" in page and reverse("pasaporte:pay") in page
    assert "sin leer" not in page


def test_a_foreigner_sees_their_services_and_no_passport(client, django_user_model):
    from cuentas.services import user_role_add

    user = django_user_model.objects.create_user(username="ana@example.com", email="ana@example.com")
    user_role_add(user=user, role="foreigner")
    client.force_login(user)
    page = client.get(reverse("my_summary")).content.decode()
    assert "Mis trámites" in page and "Casilla electrónica" in page and "Mi pasaporte" not in page
