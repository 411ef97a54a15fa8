"""Typed errors raised by every client of an external system."""
from __future__ import annotations


class IntegrationError(Exception):
    """Base of every failure talking to an external system."""

    def __init__(self, service: str, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message
        self.field = field


class ServiceUnavailable(IntegrationError):
    """The service could not answer: timeout, refused connection, 5xx or circuit open.

    ``reason`` is one of ``timeout``, ``connection``, ``http_<status>``, ``circuit_open``.
    """

    def __init__(self, service: str, reason: str, message: str = "") -> None:
        super().__init__(service, message or f"servicio no disponible ({reason})")
        self.reason = reason


class MalformedResponse(IntegrationError):
    """The service answered, but not with the JSON or the fields the protocol promises."""


class NotFound(IntegrationError):
    """The service says the requested record does not exist (HTTP 404)."""


class RequestRejected(IntegrationError):
    """The service refused the request (4xx); ``message`` is the remote one."""

    def __init__(
        self, service: str, status: int, message: str, *, field: str | None = None, code: str = ""
    ) -> None:
        super().__init__(service, message, field=field)
        self.status = status
        self.code = code


class InvalidNotification(IntegrationError):
    """A signed notification from Banco de la Nación failed verification.

    ``reason`` is one of ``bad_signature``, ``stale_timestamp``, ``malformed``.
    """

    def __init__(self, reason: str, message: str, *, field: str | None = None) -> None:
        super().__init__("banco_nacion", message, field=field)
        self.reason = reason
