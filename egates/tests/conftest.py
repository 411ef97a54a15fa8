"""Fixtures for e-gates: the shared control fixtures (PKI, faces) and a registered gate."""
import pytest

from control.tests.conftest import (  # noqa: F401  (fixtures shared with control's tests)
    _portal_pki, control_pki, crossing_points, faces, foreign_pki,
)

GATE_KEY = "GATE-TEST-01"
GATE_SECRET = "test-gate-secret-0123456789abcdef0123456789"


@pytest.fixture
def gate(crossing_points):
    from cuentas.services import device_register

    credential, _secret = device_register(key_id=GATE_KEY, secret=GATE_SECRET, crossing_point="AIJCH",
                                          actor="test")
    return credential


from mrtd.tests.conftest import pcsc_reader  # noqa: E402,F401  (the vpcd reader, for gates reading a chip)
