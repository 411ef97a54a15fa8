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


# --- clone detection through the gate's verification -------------------------------------------------

def _chip_body(image, mrz, faces, *, challenge: str | None, sign_with=None, with_dg15: bool = True) -> dict:
    """What a gate sends: the files read and, when it ran Active Authentication, the chip's answer."""
    from mrtd import aa

    from control.tests.conftest import b64

    files = image.files
    chip = {"dg1": b64(files["DG1"]), "dg2": b64(files["DG2"]), "sod": b64(files["EF_SOD"]),
            "dg14": b64(files["DG14"])}
    if with_dg15:
        chip["dg15"] = b64(files["DG15"])
    if challenge is not None:
        key = sign_with if sign_with is not None else image.aa_key
        chip["aa_challenge"] = challenge
        chip["aa_signature"] = b64(aa.sign(key, bytes.fromhex(challenge)))
    return {"direction": "ENTRY", "mrz": mrz, "live_face": b64(faces.same_person), "chip": chip}


@pytest.fixture
def peruvian_style_chip(faces, foreign_pki):
    """A chip personalized as Peru's are (PACE, AA and CA keys), for a visitor of the foreign PKI."""
    from control.tests.conftest import td3
    from mrtd.personalize import personalize_chip

    mrz = td3(number="PA7777001")
    return personalize_chip(mrz_lines=mrz, face_image=faces.portrait, pki=foreign_pki), mrz


def _authentic(answer: dict) -> dict:
    return next(c for c in answer["checks"] if c["name"] == "chip_authentic")


def test_a_genuine_chip_answers_the_challenge_and_passes(gate, external_systems, faces, peruvian_style_chip):
    image, mrz = peruvian_style_chip
    challenge = _post(b"{}", path=PATH).json()["challenge"]
    answer = _post(_chip_body(image, mrz, faces, challenge=challenge)).json()
    assert _authentic(answer)["result"] == "PASS", answer["reasons"]
    assert answer["decision"] == "PASS", answer["reasons"]


def test_a_clone_without_the_chip_key_is_referred(gate, external_systems, faces, peruvian_style_chip):
    from cryptography.hazmat.primitives.asymmetric import ec

    image, mrz = peruvian_style_chip
    challenge = _post(b"{}", path=PATH).json()["challenge"]
    # the same data groups and SOD in another chip: it can only sign with a key of its own
    clone = _post(_chip_body(image, mrz, faces, challenge=challenge,
                             sign_with=ec.generate_private_key(ec.SECP256R1()))).json()
    assert clone["decision"] == "REFER" and _authentic(clone)["result"] == "FAIL"
    assert any(r.startswith("chip_authentic: el chip no probó tener la clave") for r in clone["reasons"])


@pytest.mark.parametrize("how, reason", [
    ("no_answer", "no se envió su respuesta"),
    ("reused", "ya fue usado"),
    ("other_device", "emitido para otro dispositivo"),
    ("expired", "venció"),
    ("never_issued", "no fue emitido por el portal"),
    ("dg15_hidden", "no se envió su respuesta"),
])
def test_a_missing_or_spent_challenge_refers_the_crossing_saying_which(
        how, reason, gate, external_systems, faces, peruvian_style_chip):
    image, mrz = peruvian_style_chip
    challenge = _post(b"{}", path=PATH).json()["challenge"]
    if how == "reused":
        challenge_use(device=gate, nonce_hex=challenge)
    elif how == "other_device":
        other, _secret = device_register(key_id="GATE-TEST-03", secret="third-gate-secret-0123456789abcdef0123",
                                         crossing_point="AIJCH", actor="test")
        ChipChallenge.objects.filter(nonce=challenge).update(device=other)
    elif how == "expired":
        ChipChallenge.objects.filter(nonce=challenge).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif how == "never_issued":
        challenge = "0123456789abcdef"
    body = _chip_body(image, mrz, faces, challenge=None if how == "no_answer" else challenge,
                      with_dg15=how != "dg15_hidden")
    if how == "dg15_hidden":
        body["chip"].pop("aa_challenge", None)
        body["chip"].pop("aa_signature", None)
    answer = _post(body).json()
    assert answer["decision"] == "REFER" and _authentic(answer)["result"] == "FAIL"
    assert any(reason in r for r in answer["reasons"]), answer["reasons"]
