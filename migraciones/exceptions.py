"""DRF exception handler: ApplicationError and DRF's own errors as one JSON shape."""
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import ApplicationError


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
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
