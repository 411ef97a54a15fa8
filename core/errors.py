"""The one family of domain errors; apis and views turn them into responses in one place."""
from typing import Any


class ApplicationError(Exception):
    """A domain error the user should see: a message, and the fields it concerns."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        body.update(self.extra)
        return body


class ValidationFailed(ApplicationError):
    status, code = 400, "validation_failed"


class PermissionDenied(ApplicationError):
    status, code = 403, "forbidden"


class NotFound(ApplicationError):
    status, code = 404, "not_found"


class Conflict(ApplicationError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApplicationError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ApplicationError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ApplicationError):
    status, code = 422, "unprocessable"


class ExternalServiceUnavailable(ApplicationError):
    """An external system (RENIEC, the bank, PNP, Interpol) did not answer: retry later."""

    status, code = 503, "external_service_unavailable"
