"""End to end: `egate_device` signs and sends real HTTP requests to a running portal (live_server)."""
import json

import pytest
from django.core.management import CommandError, call_command

from control.tests.conftest import make_chip, td3
from mrtd.lds import write_lds_dir
from tam.models import Tam

from .conftest import GATE_KEY, GATE_SECRET

pytestmark = pytest.mark.django_db(transaction=True)


def _chip_dir(tmp_path, chip, name="chip"):
    folder = tmp_path / name
    write_lds_dir(folder, {"DG1": chip.dg1, "DG2": chip.dg2, "EF_SOD": chip.sod})
    return folder


def _run(live_server, tmp_path, mrz, face: bytes, chip_dir=None, direction="ENTRY") -> dict:
    face_path = tmp_path / "live.jpg"
    face_path.write_bytes(face)
    args = ["--mrz", *mrz, "--face", str(face_path), "--direction", direction, "--url", live_server.url,
            "--key-id", GATE_KEY, "--secret", GATE_SECRET, "--flight", "LA2047", "--origin", "Miami"]
    if chip_dir is not None:
        args += ["--chip", str(chip_dir)]
    from io import StringIO

    out = StringIO()
    call_command("egate_device", *args, stdout=out)
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
