"""The root URLs' error handlers: the designed pages for people, the API's JSON shape under /api/.

500 renders with no request context (no session, no user, no database: the failure may be the
database) and falls back to plain HTML if even the template cannot be rendered.
"""
from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from cuentas.web import ERROR_PAGES, error_context, error_page

logger = logging.getLogger(__name__)

_API_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 413: "payload_too_large", 500: "server_error"}

# The last resort of the 500 page, in both languages, with nothing that can fail.
_PLAIN_500 = """<!doctype html><html lang="es"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Error · MIGRACIONES</title></head>
<body><p>Superintendencia Nacional de Migraciones</p><h1>Hubo un problema en el portal</h1>
<p>Inténtelo de nuevo en unos minutos.</p><p lang="en">Something went wrong on our side. Please try again
in a few minutes.</p><p><a href="/">Ir al inicio / Home</a></p></body></html>"""


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int) -> JsonResponse:
    title, _text = ERROR_PAGES[status]
    return JsonResponse({"error": _API_CODES[status], "message": str(title)}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE reaches Django as a 400 (a SuspiciousOperation): it is a 413.
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    if _is_api(request):
        return _api_error(status)
    return error_page(request, status=status)


def _view_message(exception) -> str:
    """The words a view gave its 403 or 404 (the portal's own, translated); never the URL resolver's
    report of the patterns it tried."""
    if exception is None or not exception.args or type(exception).__name__ == "Resolver404":
        return ""
    message = exception.args[0]
    return str(message) if isinstance(message, (str, Promise)) else ""


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api_error(403)
    return error_page(request, status=403, message=_view_message(exception))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api_error(404)
    message = _view_message(exception) if isinstance(exception, Http404) else ""
    return error_page(request, status=404, message=message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (most often a page left open too long, or cookies off)."""
    return error_page(request, status=403, message=_(
        "El formulario venció por seguridad. Vuelva a la página, recárguela y envíelo de nuevo; si el problema "
        "sigue, revise que su navegador acepte cookies de este portal."))


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(500)
    try:
        body = loader.get_template("errors/page.html").render({**error_context(status=500), "bare": True})
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        logger.exception("the 500 page could not be rendered")
        body = _PLAIN_500
    return HttpResponse(body, status=500, content_type="text/html; charset=utf-8")


__all__ = ["bad_request", "csrf_failure", "page_not_found", "permission_denied", "server_error"]
