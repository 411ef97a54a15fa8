"""The designed error pages (issue 12, item 4): 400, 403, 404, 413, 429, 500 and 503 in the portal's
layout, in Spanish and English, with what happened and a way back; the API keeps its JSON errors."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.utils import OperationalError
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from migraciones import urls as root_urls
from migraciones.errors import server_error

LANGUAGE_COOKIE = "django_language"

# This module doubles as a URLconf: the portal's, plus a page that fails, for the 500 tests.
handler400, handler403, handler404, handler500 = (root_urls.handler400, root_urls.handler403,
                                                  root_urls.handler404, root_urls.handler500)


def _boom(request):
    raise RuntimeError("secret internals: connection string postgres://portal")


urlpatterns = [*root_urls.urlpatterns, path("prueba/falla/", _boom)]

# (status, Spanish title, English title)
TITLES = {
    400: ("La solicitud no es válida", "The request is not valid"),
    403: ("No puede ver esta página", "You cannot see this page"),
    404: ("No encontramos esta página", "We could not find this page"),
    413: ("El archivo es demasiado grande", "The file is too large"),
    429: ("Demasiados intentos", "Too many attempts"),
    500: ("Hubo un problema en el portal", "Something went wrong on the portal"),
    503: ("El servicio no está disponible en este momento", "The service is not available right now"),
}
HOME_LINK = {"es": "Ir al inicio", "en": "Go to the home page"}
IDENTITY = {"es": "Superintendencia Nacional de Migraciones", "en": "National Superintendency of Migration"}


def _client(language: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if language == "en":
        client.cookies[LANGUAGE_COOKIE] = "en"
    return client


def _assert_designed_page(response, status: int, language: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in body
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body  # phone layout
    spanish, english = TITLES[status]
    title = spanish if language == "es" else english
    # what happened, as the page's heading and title, in the chosen language
    assert re.search(rf"<h1[^>]*>{re.escape(title)}</h1>", body)
    assert f"<title>{title} ·" in body
    # the portal's layout: the State's identity, and a way back
    assert IDENTITY[language] in body
    assert f'<a href="/">{HOME_LINK[language]}</a>' in body
    # no stack, exception names or internals
    for leak in ("Traceback", "RuntimeError", "secret internals", "postgres://", "Exception"):
        assert leak not in body
    other = english if language == "es" else spanish
    assert other not in body
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_404_is_the_designed_page(language):
    response = _client(language).get("/no-existe-esta-pagina/")
    _assert_designed_page(response, 404, language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_403_is_the_designed_page_for_a_signed_in_person_without_the_role(language):
    # given a citizen signed in, who opens an officer's page
    citizen = get_user_model().objects.create_user(username="ciudadana", password="Ciudadana-2026!")
    client = _client(language)
    client.force_login(citizen)
    response = client.get("/control/")
    body = _assert_designed_page(response, 403, language)
    assert "/ayuda/" in body  # where to ask


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_400_is_the_designed_page(language, settings):
    # given a form post with more fields than the portal reads
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = _client(language).post("/cuentas/ingresar/", {f"campo{i}": "x" for i in range(20)})
    _assert_designed_page(response, 400, language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_413_is_the_designed_page_for_a_body_over_the_limit(language, settings):
    # given a form body larger than the portal accepts
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    response = _client(language).post("/cuentas/ingresar/", {"username": "x" * 5000, "password": "y"})
    _assert_designed_page(response, 413, language)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_429_is_the_designed_page_with_when_to_retry_and_the_way_back(language, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "tam_verify_ip": "1/hour"}
    client = _client(language)
    # given one look-up allowed per hour
    assert client.post("/tam/verificar/", {"numero": "TAM-0000000001"}).status_code == 200
    # when a second one is made
    response = client.post("/tam/verificar/", {"numero": "TAM-0000000002"})
    body = _assert_designed_page(response, 429, language)
    # then it says when to try again, and leads back to the form
    assert int(response["Retry-After"]) > 0
    assert ("Podrá intentarlo de nuevo en" if language == "es" else "You can try again in") in body
    assert '<a href="/tam/verificar/">' in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_503_is_the_designed_page_when_the_throttle_cannot_count(language, settings):
    # given the cache (Redis) down: public look-ups fail closed
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    response = _client(language).post("/tam/verificar/", {"numero": "TAM-0000000001"})
    body = _assert_designed_page(response, 503, language)
    assert '<a href="/tam/verificar/">' in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_500_is_the_designed_page_without_internals(language, settings):
    settings.ROOT_URLCONF = __name__
    response = _client(language, raise_request_exception=False).get("/prueba/falla/")
    _assert_designed_page(response, 500, language)


@pytest.mark.parametrize("language", ["es", "en"])
def test_500_renders_without_a_database_or_a_request_context(language):
    # given a failure while the database is unreachable (no django_db here: any query raises) and
    # a user that cannot be loaded from the session
    def _no_database():
        raise OperationalError("could not connect to server")

    request = RequestFactory().get("/pasaporte/")
    request.user = SimpleLazyObject(_no_database)
    with translation.override(language):
        response = server_error(request)
    # then the page still says what happened, in the person's language, with the way home
    assert response.status_code == 500
    body = response.content.decode()
    assert TITLES[500][0 if language == "es" else 1] in body
    assert f'<a href="/">{HOME_LINK[language]}</a>' in body
    assert "could not connect" not in body and "OperationalError" not in body


def test_500_falls_back_to_plain_html_when_the_template_fails(monkeypatch):
    from django.template import loader

    def _broken(name):
        raise OSError("templates unreadable")

    monkeypatch.setattr(loader, "get_template", _broken)
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "Hubo un problema en el portal" in body and "Something went wrong" in body
    assert "templates unreadable" not in body


@pytest.mark.django_db
def test_the_api_keeps_json_errors(settings):
    client = Client(raise_request_exception=False)
    # an unknown API address is a JSON 404, not the HTML page
    response = client.get("/api/v1/no-existe")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    # and an API view's own errors keep their shape
    response = client.post("/api/v1/tam/verify", "[" * 10 + "]" * 10, content_type="application/json")
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_an_uncaught_domain_error_on_a_page_is_its_designed_page(settings, rf):
    from core.errors import ExternalServiceUnavailable
    from migraciones.middleware import PageErrorMiddleware

    # given a page view that lets an outage escape
    request = rf.get("/citas/")
    request.user = get_user_model()(username="anonimo")
    request.session = {}
    middleware = PageErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, ExternalServiceUnavailable("RENIEC no responde en este momento."))
    # then the person sees the 503 page with the service's own words
    assert response.status_code == 503
    assert "RENIEC no responde en este momento." in response.content.decode()
    # and the API's paths are left to the API's JSON handler
    assert middleware.process_exception(rf.get("/api/v1/x"), ExternalServiceUnavailable("x")) is None


@pytest.mark.django_db
def test_a_404_keeps_the_words_the_page_gave_but_never_the_url_patterns():
    client = Client()
    # a TAM link that expired says so
    body = _assert_designed_page(client.get("/tam/documento/no-es-un-token/"), 404, "es")
    assert "El enlace venció o no es válido: vuelva a buscar su TAM." in body
    # an unknown address does not list the portal's URL patterns
    body = _assert_designed_page(client.get("/cuentas/no-existe/"), 404, "es")
    assert "cuentas/ingresar" not in body.split("<main")[1].split("</main>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_a_form_without_its_security_token_gets_the_designed_403_with_what_to_do(language):
    client = _client(language, enforce_csrf_checks=True)
    response = client.post("/cuentas/ingresar/", {"username": "x", "password": "y"})
    body = _assert_designed_page(response, 403, language)
    assert ("El formulario venció por seguridad" if language == "es" else "The form expired for security") in body
    assert "CSRF" not in body
