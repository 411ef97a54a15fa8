"""Fixtures of the citas tests: a sede, citizens and a record kind registered as a service would."""
import itertools

import pytest
from django.contrib.auth import get_user_model

from citas import hooks
from cuentas.models import Office

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sede(db):
    return Office.objects.create(code="LIM-CIT", name="Sede Citas", address="Av. España 700", city="Lima",
                                 opens_at="08:00", closes_at="12:00", counters=3, slot_minutes=30)


def make_citizen(dni: str | None = None):
    dni = dni or f"6{next(_numbers):07d}"
    return get_user_model().objects.create(username=dni, dni=dni)


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def record_kind():
    """A test service's record kind: records with an odd id may not book; every change is written down."""
    from core.errors import Conflict

    seen: list[tuple[int, str, str]] = []

    def may_book(record_id: int) -> None:
        if record_id % 2:
            raise Conflict("El expediente no admite citas.", fields={"record": "closed"})

    def on_change(appointment, event, actor):
        seen.append((appointment.record_id, event, appointment.status))

    hooks.record_kind_register("pruebas.expediente", may_book=may_book, on_change=on_change)
    yield seen
    hooks._HOOKS.pop("pruebas.expediente", None)
