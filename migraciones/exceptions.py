"""DRF exception handler: ApplicationError and DRF's own errors as one JSON shape."""
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ApplicationError, PayloadTooLarge, ValidationFailed


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) would otherwise be a 400 HTML page.
        exc = PayloadTooLarge(_("El cuerpo de la solicitud supera el tamaño permitido."))
    elif isinstance(exc, RecursionError):
        # json.loads on thousands of nested brackets: the parser gave up, the request is bad.
        exc = ValidationFailed(_("El JSON está anidado a demasiada profundidad."))
    if isinstance(exc, ApplicationError):
        response = Response(exc.as_dict(), status=exc.status)
        if "retry_after" in exc.extra:
            response["Retry-After"] = str(exc.extra["retry_after"])
        return response
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        detail = exc.detail
        fields = (
            {k: " ".join(str(m) for m in (v if isinstance(v, list) else [v])) for k, v in detail.items()}
            if isinstance(detail, dict)
            else {"non_field_errors": " ".join(str(m) for m in detail)}
        )
        response.data = {"error": "validation_failed", "message": "Datos inválidos", "fields": fields}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": getattr(exc, "default_code", "error"), "message": str(response.data["detail"])}
    return response
