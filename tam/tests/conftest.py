"""Fixtures for the TAM: the shared control fixtures."""
from control.tests.conftest import _portal_pki, control_pki, crossing_points, faces, foreign_pki  # noqa: F401
