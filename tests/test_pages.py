"""The public pages, the API schema and docs, health, language switch and "mis datos"."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_lists_the_services_in_spanish_first(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in body
    assert "Pasaporte electrónico" in body and "TAM virtual" in body
    assert 'name="viewport"' in body


def test_the_english_switch_translates_the_layout(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()


def test_openapi_schema_and_offline_swagger_ui(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # the Swagger UI assets are served from the project (sidecar), not from a CDN
    assert b"swagger-ui" in docs.content and b"cdn.jsdelivr" not in docs.content


# /healthz: tests/test_health.py


def test_my_data_needs_sign_in(client):
    response = client.get(reverse("my_data"))
    assert response.status_code == 302 and reverse("cuentas:login") in response["Location"]


def test_spanish_is_the_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es">' in response.content.decode()


def test_service_cards_link_to_their_pages_and_say_what_is_not_online_yet(client):
    body = client.get("/").content.decode()
    # a visitor who has not signed in is sent to sign in first, then on to the service
    assert f'href="{reverse("cuentas:login")}?next=%2Fpasaporte%2F"' in body
    assert f'href="{reverse("tam:download")}"' in body
    assert "Próximamente en línea." in body


def test_officers_get_the_back_office_links(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cuentas.services import staff_user_create

    user = staff_user_create(username="sup", password="Supervisor-2026!", role="supervisor", office=None,
                             password_change_required=False)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    from django_otp import login as otp_login

    session_request = type("R", (), {"session": client.session, "user": user})()
    otp_login(session_request, device)
    session_request.session.save()
    body = client.get("/").content.decode()
    assert reverse("control:queue") in body and reverse("egates:gates") in body


def test_the_api_docs_run_under_the_content_security_policy(client):
    # given the policy allows scripts only from the portal (or with a nonce)
    page = client.get("/api/docs/").content.decode()
    # then the docs page has no inline script: its start-up script is a file of the portal
    assert "<script>" not in page
    start = client.get("/api/docs/?script=")
    assert start.status_code == 200 and "SwaggerUIBundle" in start.content.decode()
