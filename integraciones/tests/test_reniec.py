"""RENIEC client against its simulator: demo citizens, photos, DNI verification."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from integraciones.errors import NotFound, RequestRejected
from integraciones.reniec import ReniecClient, verification_digit
from integraciones.reniec.simulator import faces_dir


@pytest.fixture
def reniec(simulator_url: str) -> ReniecClient:
    return ReniecClient(simulator_url + "/reniec", timeout=2.0, retries=0)


def test_verification_digit_of_the_sample_dni_is_the_one_printed_on_the_card() -> None:
    # ICAO9303.md: the card face prints "70275722 - 9"
    assert verification_digit("70275722") == "9"


def test_fixed_demo_citizen_matches_his_dni(reniec: ReniecClient) -> None:
    citizen = reniec.lookup("70275722")
    assert citizen.full_name == "CARDENAS JORGE ANTHONY"
    assert (citizen.birth_date, citizen.sex, citizen.verification_digit) == (dt.date(1989, 6, 12), "M", "9")
    assert citizen.status == "ACTIVO"


def test_second_fixed_citizen(reniec: ReniecClient) -> None:
    citizen = reniec.lookup("45678912", with_photo=False)
    assert (citizen.first_surname, citizen.second_surname, citizen.given_names) == ("QUISPE", "MAMANI", "ROSA ELENA")
    assert citizen.sex == "F"
    assert citizen.photo_jpeg is None  # asked without photo


@pytest.mark.skipif(faces_dir() is None, reason="shared/testdata/faces not present")
def test_photos_come_from_the_faces_directory_and_never_repeat_the_fixed_face(reniec: ReniecClient) -> None:
    faces = faces_dir()
    assert faces is not None
    obama = (faces / "obama.jpg").read_bytes()
    assert reniec.lookup("70275722").photo_jpeg == obama
    others = [reniec.lookup(dni).photo_jpeg for dni in ("45678912", "12345678", "87654321", "31415926")]
    assert all(photo and photo != obama for photo in others)


def test_no_photo_when_the_faces_directory_is_missing(
    reniec: ReniecClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SIMULATOR_FACES_DIR", str(tmp_path / "missing"))
    citizen = reniec.lookup("70275722")
    assert citizen.photo_jpeg is None
    assert citizen.full_name == "CARDENAS JORGE ANTHONY"


def test_any_other_dni_gets_a_stable_plausible_record(reniec: ReniecClient) -> None:
    first = reniec.lookup("12345678", with_photo=False)
    again = reniec.lookup("12345678", with_photo=False)
    other = reniec.lookup("87654322", with_photo=False)
    assert first == again
    assert first != other
    assert first.sex in ("M", "F")
    assert first.given_names and first.first_surname and first.address and len(first.ubigeo) == 6
    assert first.issue_date > first.birth_date
    assert first.verification_digit == verification_digit("12345678")


def test_demo_names_carry_peruvian_spelling(reniec: ReniecClient) -> None:
    # over a handful of DNIs, accented, compound and particle names show up as RENIEC writes them
    names = [reniec.lookup(f"{40000000 + n * 7919}", with_photo=False) for n in range(40)]
    text = " ".join(c.full_name for c in names)
    assert any(ch in text for ch in "ÁÉÍÓÚÑ")
    assert any(" " in c.given_names for c in names)


def test_dni_starting_with_00_does_not_exist(reniec: ReniecClient) -> None:
    with pytest.raises(NotFound) as missing:
        reniec.lookup("00123456")
    assert missing.value.field == "dni"


def test_malformed_dni_is_rejected_naming_the_field(reniec: ReniecClient) -> None:
    with pytest.raises(RequestRejected) as rejected:
        reniec.lookup("1234/../5")
    assert rejected.value.field == "dni"
    assert rejected.value.status == 400


def test_verify_accepts_the_right_digit_and_issue_date(reniec: ReniecClient) -> None:
    check = reniec.verify("70275722", "9", dt.date(2013, 7, 16))
    assert check.valid and check.field_errors == {}


def test_verify_also_accepts_the_letter_form_of_the_digit(reniec: ReniecClient) -> None:
    assert reniec.verify("70275722", "c", dt.date(2013, 7, 16)).valid


def test_verify_names_the_wrong_digit(reniec: ReniecClient) -> None:
    check = reniec.verify("70275722", "2", dt.date(2013, 7, 16))
    assert not check.valid
    assert set(check.field_errors) == {"verification_digit"}


def test_verify_names_the_wrong_issue_date(reniec: ReniecClient) -> None:
    check = reniec.verify("70275722", "9", dt.date(2013, 7, 17))
    assert not check.valid
    assert set(check.field_errors) == {"issue_date"}


def test_verify_of_generated_citizen_uses_its_record(reniec: ReniecClient) -> None:
    citizen = reniec.lookup("12345678", with_photo=False)
    assert reniec.verify("12345678", citizen.verification_digit, citizen.issue_date).valid


def test_verify_unknown_dni_names_the_dni(reniec: ReniecClient) -> None:
    check = reniec.verify("00999999", "1", dt.date(2020, 1, 1))
    assert not check.valid
    assert "dni" in check.field_errors
