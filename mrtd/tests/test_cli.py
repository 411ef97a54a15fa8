"""The `python -m mrtd` command line: JSON on stdout, exit 0 on success and 1 on an invalid document."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mrtd.__main__ import main
from mrtd.mrz import generate_td3
from mrtd.tests.conftest import TEST_PORT
from core.testdata import TESTDATA

ROOT = Path(__file__).resolve().parents[2]
FACE = TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg"
FINGER = TESTDATA / "fingerprints/jmrtd_fp.wsq"
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
MRZ = generate_td3(issuing_state="PER", primary_identifier="HUAMAN", secondary_identifier="JUAN",
                   document_number="PE1234567", nationality="PER", birth_date="850315", sex="M",
                   expiry_date="310315")


def _run(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_mrz_command_reports_fields_and_validity(capsys):
    code, out = _run(capsys, "mrz", *TD3)
    assert code == 0
    assert out["valid"] is True
    assert out["fields"]["document_number"] == "L898902C3"
    assert out["fields"]["birth_date"] == "1974-08-12"


def test_mrz_command_names_failing_fields_and_exits_1(capsys):
    code, out = _run(capsys, "mrz", TD3[0], TD3[1].replace("7408122", "7408123"))
    assert code == 1
    assert set(out["errors"]) == {"birth_date", "composite"}


def test_mrz_command_on_garbage_exits_1_with_a_message(capsys):
    code, out = _run(capsys, "mrz", "NOT AN MRZ")
    assert code == 1 and out["type"] == "MRZError"


def test_bac_keys_command_matches_icao(capsys):
    code, out = _run(capsys, "bac-keys", "L898902C", "690806", "940623")
    assert code == 0
    assert out == {"k_seed": "239AB9CB282DAF66231DC5A4DF6BFBAE", "k_enc": "AB94FDECF2674FDFB9B391F85D7F76F2",
                   "k_mac": "7962D9ECE03D1ACD4C76089DCE131543"}


@pytest.fixture(scope="module")
def lds(tmp_path_factory) -> tuple[Path, Path]:
    """A test PKI and a personalized LDS image made through the command line."""
    base = tmp_path_factory.mktemp("cli")
    assert main(["pki", "init", str(base / "pki")]) == 0
    assert main(["personalize", "--out", str(base / "lds"), "--mrz", *MRZ, "--face", str(FACE),
                 "--fingers", f"2:{FINGER}", "--pki", str(base / "pki")]) == 0
    return base / "pki", base / "lds"


def test_personalize_then_pa_passes(lds, capsys):
    pki, image = lds
    capsys.readouterr()
    dgs = [str(image / f"DG{n}.bin") for n in (1, 2, 3)]
    code, out = _run(capsys, "pa", "--csca", str(pki / "csca.pem"), "--sod", str(image / "EF_SOD.bin"),
                     "--mrz", MRZ[0], "--mrz", MRZ[1], *dgs)
    assert code == 0, out
    assert out["valid"] is True


def test_pa_on_a_changed_data_group_exits_1_naming_it(lds, tmp_path, capsys):
    pki, image = lds
    capsys.readouterr()
    changed = bytearray((image / "DG2.bin").read_bytes())
    changed[-1] ^= 0x01
    (tmp_path / "DG2.bin").write_bytes(bytes(changed))
    code, out = _run(capsys, "pa", "--csca", str(pki / "csca.pem"), "--sod", str(image / "EF_SOD.bin"),
                     str(image / "DG1.bin"), str(tmp_path / "DG2.bin"))
    assert code == 1
    failed = [c for c in out["checks"] if c["passed"] is False]
    assert failed and any("DG2" in c["reason"] for c in failed)


def test_personalize_refuses_an_invalid_mrz(lds, tmp_path, capsys):
    pki, _ = lds
    capsys.readouterr()
    code, out = _run(capsys, "personalize", "--out", str(tmp_path / "x"), "--mrz", TD3[0],
                     TD3[1].replace("7408122", "7408123"), "--face", str(FACE), "--pki", str(pki))
    assert code == 1 and "birth_date" in out["errors"]
    assert not (tmp_path / "x").exists()


@pytest.mark.pcsc
def test_chip_and_read_commands_over_pcsc(pcsc_reader, lds, tmp_path):
    # Given `python -m mrtd chip` serving the LDS image in the test reader
    pki, image = lds
    server = subprocess.Popen([sys.executable, "-m", "mrtd", "chip", "--lds", str(image), "--port", str(TEST_PORT)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)  # the card appears about 0.3 s after the process starts, plus interpreter start
        # when `python -m mrtd read` reads it with the printed MRZ
        read = subprocess.run([sys.executable, "-m", "mrtd", "read", "--reader", pcsc_reader, "--mrz", *MRZ,
                               "--csca", str(pki / "csca.pem"), "--out", str(tmp_path / "read")],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
        wrong = subprocess.run([sys.executable, "-m", "mrtd", "read", "--reader", pcsc_reader, "--mrz", MRZ[0],
                                MRZ[1].replace("PE1234567", "PE1234568")], cwd=ROOT, capture_output=True,
                               text=True, timeout=60)
    finally:
        server.terminate()
        server.wait(5)
    # then PA passes and the files on disk are those that were written
    assert read.returncode == 0, read.stdout + read.stderr
    assert json.loads(read.stdout)["passive_authentication"]["valid"] is True
    for name in ("EF_COM", "DG1", "DG2", "DG3", "EF_SOD"):
        assert (tmp_path / "read" / f"{name}.bin").read_bytes() == (image / f"{name}.bin").read_bytes()
    # and a wrong MRZ is a clear BAC failure
    assert wrong.returncode == 1
    assert json.loads(wrong.stdout)["type"] == "BACError"
