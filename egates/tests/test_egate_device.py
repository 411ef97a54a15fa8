"""End to end: `egate_device` signs and sends real HTTP requests to a running portal (live_server)."""
import json
import time

import pytest
from django.core.management import CommandError, call_command

from control.models import Crossing
from control.tests.conftest import make_chip, td3
from mrtd.lds import write_lds_dir
from tam.models import Tam

from .conftest import GATE_KEY, GATE_SECRET

pytestmark = pytest.mark.django_db(transaction=True)


def _chip_dir(tmp_path, chip, name="chip"):
    folder = tmp_path / name
    write_lds_dir(folder, {"DG1": chip.dg1, "DG2": chip.dg2, "EF_SOD": chip.sod})
    return folder


def _run(live_server, tmp_path, mrz, face: bytes, chip_dir=None, direction="ENTRY", extra=()) -> dict:
    """The answer `egate_device` prints; a refusal (HTTP >= 400) is returned too, not raised."""
    face_path = tmp_path / "live.jpg"
    face_path.write_bytes(face)
    args = ["--mrz", *mrz, "--face", str(face_path), "--direction", direction, "--url", live_server.url,
            "--key-id", GATE_KEY, "--secret", GATE_SECRET, "--flight", "LA2047", "--origin", "Miami", *extra]
    if chip_dir is not None:
        args += ["--chip", str(chip_dir)]
    from io import StringIO

    out = StringIO()
    try:
        call_command("egate_device", *args, stdout=out)
    except CommandError:
        pass
    return json.loads(out.getvalue())


def test_genuine_traveller_passes_and_gets_a_tam(live_server, gate, external_systems, faces, foreign_pki, tmp_path):
    mrz = td3(number="PS1234567")
    answer = _run(live_server, tmp_path, mrz, faces.same_person, _chip_dir(tmp_path, make_chip(mrz, faces.portrait, foreign_pki)))
    assert answer["http_status"] == 200
    assert answer["decision"] == "PASS", answer["reasons"]
    tam = Tam.objects.get(number=answer["tam_number"])
    assert tam.document_number == "PS1234567" and tam.flight == "LA2047"


def test_other_face_and_changed_dg_are_referred(live_server, gate, external_systems, faces, foreign_pki, tmp_path):
    mrz = td3(number="PT1234567")
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    other_face = _run(live_server, tmp_path, mrz, faces.other_person, _chip_dir(tmp_path, chip))
    assert other_face["decision"] == "REFER" and any(r.startswith("face:") for r in other_face["reasons"])
    tampered = type(chip)(dg1=chip.dg1, dg2=make_chip(mrz, faces.other_person, foreign_pki).dg2, sod=chip.sod)
    changed = _run(live_server, tmp_path, mrz, faces.other_person, _chip_dir(tmp_path, tampered, "tampered"))
    assert changed["decision"] == "REFER"
    assert any(r.startswith("passive_authentication") and "dg_hashes" in r for r in changed["reasons"])


def test_interpol_outage_is_referred_within_two_seconds(live_server, gate, external_systems, faces, foreign_pki,
                                                        tmp_path):
    mrz = td3(number="PU1234567")
    chip_dir = _chip_dir(tmp_path, make_chip(mrz, faces.portrait, foreign_pki))
    external_systems.fault("interpol", latency_ms=3000)
    answer = _run(live_server, tmp_path, mrz, faces.same_person, chip_dir)
    assert answer["decision"] == "REFER"
    assert any("interpol" in r and "2 s" in r for r in answer["reasons"])
    assert answer["elapsed_ms"] < 2600


def test_wrong_secret_fails_with_the_reason(live_server, gate, faces, tmp_path):
    face_path = tmp_path / "live.jpg"
    face_path.write_bytes(faces.same_person)
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("egate_device", "--mrz", *td3(), "--face", str(face_path), "--direction", "ENTRY",
                     "--url", live_server.url, "--key-id", GATE_KEY, "--secret", "wrong-secret", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["http_status"] == 401 and answer["message"].startswith("bad_signature")


def test_alert_hit_is_referred(live_server, gate, external_systems, faces, foreign_pki, tmp_path):
    # Given a passport the Interpol simulator lists as stolen (numbers ending in 999)
    mrz = td3(number="PV1234999")
    chip_dir = _chip_dir(tmp_path, make_chip(mrz, faces.portrait, foreign_pki))
    answer = _run(live_server, tmp_path, mrz, faces.same_person, chip_dir)
    assert answer["http_status"] == 200 and answer["decision"] == "REFER"
    assert any(r.startswith("alerts_interpol_sltd") for r in answer["reasons"])
    assert answer["tam_number"] is None and answer["movement_id"] is None
    assert Crossing.objects.get(transaction_id=answer["transaction_id"]).review == Crossing.Review.PENDING


def test_replayed_and_stale_requests_are_refused_with_the_reason(live_server, gate, external_systems, faces,
                                                                 tmp_path):
    mrz = td3(number="PW1234567")
    nonce = ["--nonce", "gate-test-nonce-0001"]
    first = _run(live_server, tmp_path, mrz, faces.same_person, extra=nonce)
    replay = _run(live_server, tmp_path, mrz, faces.same_person, extra=nonce)
    stale = _run(live_server, tmp_path, mrz, faces.same_person, extra=["--timestamp", str(int(time.time()) - 400)])
    assert first["http_status"] == 200
    assert (replay["http_status"], replay["message"].split(":")[0]) == (401, "replayed_nonce")
    assert (stale["http_status"], stale["message"].split(":")[0]) == (401, "stale_timestamp")
    assert Crossing.objects.filter(document_number="PW1234567").count() == 1


def test_retry_with_the_same_idempotency_key_returns_the_same_transaction(live_server, gate, external_systems,
                                                                          faces, foreign_pki, tmp_path):
    mrz = td3(number="PX1234567")
    chip_dir = _chip_dir(tmp_path, make_chip(mrz, faces.portrait, foreign_pki))
    key = ["--idempotency-key", "gate-retry-0001"]
    first = _run(live_server, tmp_path, mrz, faces.same_person, chip_dir, extra=key)
    retry = _run(live_server, tmp_path, mrz, faces.same_person, chip_dir, extra=key)
    assert first["decision"] == "PASS"
    assert (retry["transaction_id"], retry["tam_number"]) == (first["transaction_id"], first["tam_number"])
    assert Crossing.objects.filter(document_number="PX1234567").count() == 1
    assert Tam.objects.filter(document_number="PX1234567").count() == 1


@pytest.mark.pcsc
def test_a_clone_is_referred_and_the_genuine_chip_passes_read_over_pcscd(live_server, gate, external_systems,
                                                                          faces, foreign_pki, tmp_path, pcsc_reader):
    """The gate reads the chip through pcscd (PACE, Chip and Active Authentication with the portal's
    one-time challenge) and sends what it read: the same data groups and SOD in a chip without the
    private keys (a clone) are referred; the chip they were written to passes."""
    from io import StringIO

    from mrtd.chip import start_vpcd_thread
    from mrtd.personalize import personalize_chip
    from mrtd.tests.conftest import TEST_PORT

    mrz = td3(number="PU1234567")
    image = personalize_chip(mrz_lines=mrz, face_image=faces.portrait, pki=foreign_pki, access="pace")
    face_path = tmp_path / "live.jpg"
    face_path.write_bytes(faces.same_person)

    def through_the_reader(chip) -> dict:
        thread, stop = start_vpcd_thread(chip, port=TEST_PORT)
        try:
            deadline = time.monotonic() + 5
            while True:
                time.sleep(0.5)  # pcscd polls the reader before it reports the card
                out = StringIO()
                try:
                    call_command("egate_device", "--mrz", *mrz, "--face", str(face_path), "--direction", "ENTRY",
                                 "--url", live_server.url, "--key-id", GATE_KEY, "--secret", GATE_SECRET,
                                 "--flight", "LA2047", "--origin", "Miami", "--reader", pcsc_reader, stdout=out)
                except CommandError as exc:
                    if "card" in str(exc).lower() and time.monotonic() < deadline:
                        continue
                    if not out.getvalue():
                        raise
                return json.loads(out.getvalue())
        finally:
            stop.set()
            thread.join(3)

    clone = through_the_reader(image.clone())
    assert clone["decision"] == "REFER"
    check = next(c for c in clone["checks"] if c["name"] == "chip_authentic")
    assert check["result"] == "FAIL", check
    genuine = through_the_reader(image.chip())
    assert genuine["decision"] == "PASS", genuine["reasons"]
    assert next(c for c in genuine["checks"] if c["name"] == "chip_authentic")["result"] == "PASS"
