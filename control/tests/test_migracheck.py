"""MigraCheck: a trip registered up to 48 h ahead; the gate then uses the chip photo encoded in advance."""
import base64
import datetime as dt

import pytest
from django.utils import timezone

from control import faces as control_faces
from control.models import PreRegistration
from control.services import crossing_decide

from .conftest import make_chip, td3

pytestmark = pytest.mark.django_db


def _register(client, chip=None, *, hours_ahead=6, number="PZ1234567"):
    body = {"document_number": number, "issuing_state": "USA", "birth_date": "1961-08-04", "direction": "EXIT",
            "flight": "AA0918", "flight_at": (timezone.now() + dt.timedelta(hours=hours_ahead)).isoformat(),
            "purpose": "TURISMO", "destination": "Miami", "email": "viajero@example.com"}
    if chip is not None:
        body["dg2"] = base64.b64encode(chip.dg2).decode()
    return client.post("/api/v1/control/migracheck", body, content_type="application/json")


def test_registration_more_than_48h_ahead_is_refused(client):
    response = _register(client, hours_ahead=49)
    assert response.status_code == 400 and "flight_at" in response.json()["fields"]


def test_gate_uses_the_encoding_prepared_in_advance(client, crossing_points, external_systems, faces, foreign_pki,
                                                    django_capture_on_commit_callbacks):
    from control.services import Boarding
    from rim.models import Movement

    mrz = td3(number="PZ1234567")
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, chip)
    assert response.status_code == 201
    prereg = PreRegistration.objects.get()
    assert prereg.status == "READY" and prereg.encoding_sealed
    # given the traveller entered earlier (a foreigner leaving needs a recorded entry)
    crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                    boarding=Boarding(purpose="TURISMO"), actor="test")
    control_faces.forget_all()  # no cached encoding: only MigraCheck's can serve
    # when they reach the gate with no boarding data at all
    decision = crossing_decide(channel="EGATE", direction="EXIT", crossing_point="AIJCH", mrz_lines=mrz, chip=chip,
                               live_face=faces.same_person, actor="device:GATE-TEST")
    # then the face was compared with the prepared encoding and the flight comes from MigraCheck
    assert decision.decision == "PASS", decision.reasons
    face = next(c for c in decision.checks if c.name == "face")
    assert "MigraCheck" in face.reason
    movement = Movement.objects.get(pk=decision.movement_id)
    assert (movement.flight, movement.destination) == ("AA0918", "Miami")
    prereg.refresh_from_db()
    assert prereg.status == "USED"
