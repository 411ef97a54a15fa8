"""Project middleware: Spanish first (the browser's Accept-Language is ignored; English only when the
visitor chooses it), the API's body limit, camera pages, and domain errors that end a page."""
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from core.errors import ApplicationError, PayloadTooLarge
from cuentas.web import application_error_page

# Domain errors that end a page wherever a view lets them out: shown as the designed error page.
PAGE_ERROR_STATUSES = frozenset({403, 404, 413, 429, 503})


class SpanishFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ApiBodyLimitMiddleware:
    """An API body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 in the API's error shape, before it is read.

    Multipart bodies are left to Django, which counts their files apart (FILE_UPLOAD_* settings).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and not request.content_type.startswith("multipart/"):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if limit is not None and length > limit:
                error = PayloadTooLarge(_("El cuerpo de la solicitud supera el tamaño permitido."))
                return JsonResponse(error.as_dict(), status=error.status)
        return self.get_response(request)


class CameraPagesMiddleware:
    """Permissions-Policy allows the camera, for the portal itself only, on the pages that capture a
    face (settings.PERMISSIONS_POLICY_CAMERA_VIEWS); every other page keeps camera=()."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        policy = response.headers.get("Permissions-Policy")
        if match is not None and policy and match.view_name in settings.PERMISSIONS_POLICY_CAMERA_VIEWS:
            response.headers["Permissions-Policy"] = policy.replace("camera=()", "camera=(self)")
        return response


class PageErrorMiddleware:
    """A domain error a page view did not catch (throttled, too large, an outage, refused, not found)
    is its designed error page with the service's own message, not a 500. The API's views answer
    their own errors in JSON (migraciones.exceptions) and never reach here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/") or not isinstance(exception, ApplicationError):
            return None
        if exception.status not in PAGE_ERROR_STATUSES:
            return None
        return application_error_page(request, exception)
