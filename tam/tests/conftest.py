"""Fixtures for the TAM: the shared control fixtures, and one TAM issued for an admitted entry."""
import pytest
from django.contrib.auth import get_user_model

from control.tests.conftest import _portal_pki, control_pki, crossing_points, faces, foreign_pki  # noqa: F401
from tam.models import Tam


@pytest.fixture
def tam(crossing_points, external_systems, django_capture_on_commit_callbacks):  # noqa: F811
    from tam.tests.test_tam import _enter

    officer = get_user_model().objects.create_user(username="oficial.tam", password="x-Secreta-2026")
    with django_capture_on_commit_callbacks(execute=True):
        decision = _enter(officer)
    assert decision.decision == "PASS", decision.reasons
    return Tam.objects.get(number=decision.tam_number)
