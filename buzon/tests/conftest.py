"""Fixtures of the mailbox tests: a test PKI for the cargos, citizens, and a real SMTP server (aiosmtpd)."""
import itertools
import socket

import pytest
from django.contrib.auth import get_user_model

from cuentas.services import user_role_add

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _buzon_settings(settings, document_signing):
    """Cargos are signed under the session's test PKI (the root conftest's document_signing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BUZON_DEEMED_AFTER_BUSINESS_DAYS = 5


def make_person(role: str = "citizen", *, email: str | None = None):
    n = next(_numbers)
    dni = f"7{n:07d}"
    user = get_user_model().objects.create_user(
        username=dni, dni=dni if role == "citizen" else None, email=email or f"persona{n}@example.pe",
        password="Persona-2026!", first_name="CAMILA", last_name="ROJAS PEREZ", phone="987654321")
    user_role_add(user=user, role=role)
    return user


@pytest.fixture
def citizen(db):
    return make_person()


@pytest.fixture
def other_citizen(db):
    return make_person()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """A real SMTP server on loopback that can be down (port closed) and brought up on the same port."""

    def __init__(self):
        self.port = _free_port()
        self.messages: list = []
        self._controller = None

    def start(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message

        server = self

        class Keep(Message):
            def handle_message(self, message):
                server.messages.append(message)

        self._controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp(settings):
    """The portal sends through SMTP to this server; it starts down: call .start() to bring it up."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2.0
    settings.EMAIL_USE_TLS = False
    yield server
    server.stop()
