"""One-time challenges for Active Authentication: signed like every device request, 60 s, one device, once."""
import datetime as dt

import pytest
from django.utils import timezone

from cuentas.services import device_register
from egates.challenges import EXPIRED, OTHER_DEVICE, REUSED, UNKNOWN, challenge_use
from egates.models import ChipChallenge

from .test_api import _post

pytestmark = pytest.mark.django_db
PATH = "/api/v1/egates/challenges"


def test_a_gate_gets_a_fresh_challenge_valid_sixty_seconds(gate):
    first = _post(b"{}", path=PATH)
    second = _post(b"{}", path=PATH)
    assert first.status_code == 201 and second.status_code == 201
    body = first.json()
    assert len(bytes.fromhex(body["challenge"])) == 8 and body["ttl_s"] == 60
    assert body["challenge"] != second.json()["challenge"]
    stored = ChipChallenge.objects.get(nonce=body["challenge"])
    assert stored.device_id == gate.pk and (stored.expires_at - stored.issued_at) == dt.timedelta(seconds=60)


def test_an_unsigned_request_gets_no_challenge(client, gate):
    assert client.post(PATH).status_code in (401, 403)
    assert not ChipChallenge.objects.exists()


def test_a_challenge_serves_once_for_its_device_within_its_minute(gate, crossing_points):
    nonce = _post(b"{}", path=PATH).json()["challenge"]
    other, _secret = device_register(key_id="GATE-TEST-02", secret="other-gate-secret-0123456789abcdef0123",
                                     crossing_point="AIJCH", actor="test")
    # another device cannot use it
    assert challenge_use(device=other, nonce_hex=nonce).refused == OTHER_DEVICE
    # its own device uses it once
    good = challenge_use(device=gate, nonce_hex=nonce)
    assert good.refused == "" and good.nonce == bytes.fromhex(nonce)
    assert challenge_use(device=gate, nonce_hex=nonce).refused == REUSED
    # one never issued, and one past its minute, prove nothing
    assert challenge_use(device=gate, nonce_hex="00" * 8).refused == UNKNOWN
    late = _post(b"{}", path=PATH).json()["challenge"]
    ChipChallenge.objects.filter(nonce=late).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert challenge_use(device=gate, nonce_hex=late).refused == EXPIRED
    assert challenge_use(device=gate, nonce_hex=late).refused == REUSED
