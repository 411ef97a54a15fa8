"""LDS files: the real test passports decode, and our encoders round trip."""


import pytest

from mrtd.errors import LDSError
from mrtd.lds import (
    FID, FaceImage, FingerImage, decode_dg1, decode_dg2, decode_dg3, decode_dg7, decode_ef_com,
    decode_sod, encode_dg1, encode_dg2, encode_dg3, encode_dg7, encode_ef_com, hash_bytes,
    read_lds_dir, write_lds_dir,
)
from core.testdata import TESTDATA

EMRTD = TESTDATA / "emrtd"
BSI = EMRTD / "bsi2008"
LOES = EMRTD / "loes2006"


def test_file_identifiers_are_those_of_icao_part_10():
    assert (FID["EF_COM"], FID["EF_SOD"], FID["DG1"], FID["DG2"], FID["DG3"]) == (0x011E, 0x011D, 0x0101, 0x0102, 0x0103)
    assert (FID["DG7"], FID["DG14"], FID["DG15"], FID["DG16"]) == (0x0107, 0x010E, 0x010F, 0x0110)


def test_read_lds_dir_accepts_jmrtd_and_fid_file_names():
    assert sorted(read_lds_dir(BSI)) == ["DG1", "DG14", "DG15", "DG2", "DG3", "DG4", "EF_COM", "EF_SOD"]
    assert sorted(read_lds_dir(LOES)) == ["DG1", "DG15", "DG2", "EF_COM", "EF_SOD"]


def test_write_then_read_lds_dir_gives_the_same_files(tmp_path):
    files = read_lds_dir(LOES)
    write_lds_dir(tmp_path / "lds", files)
    assert sorted(p.name for p in (tmp_path / "lds").iterdir()) == [
        "DG1.bin", "DG15.bin", "DG2.bin", "EF_COM.bin", "EF_SOD.bin"]
    assert read_lds_dir(tmp_path / "lds") == files


def test_write_lds_dir_refuses_unknown_names(tmp_path):
    with pytest.raises(LDSError, match="DG99"):
        write_lds_dir(tmp_path, {"DG99": b"\x00"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("folder, names", [(BSI, ["DG1", "DG2", "DG3", "DG14"]), (LOES, ["DG1", "DG2", "DG15"])])
def test_ef_com_of_the_test_passports(folder, names):
    files = read_lds_dir(folder)
    com = decode_ef_com(files["EF_COM"])
    assert (com.lds_version, com.unicode_version, com.dg_names) == ("1.7", "4.0.0", names)
    assert encode_ef_com(com.dg_names) == files["EF_COM"]


def test_dg1_of_the_german_test_passport_holds_its_mrz():
    data = (BSI / "Datagroup1.bin").read_bytes()
    assert decode_dg1(data) == [
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6",
    ]
    assert encode_dg1(decode_dg1(data)) == data


def test_dg1_round_trips_a_td1_mrz():
    lines = ["I<PER70275722<2<<<<<<<<<<<<<<<", "8906120M2107165PER<<<<<<<<<<<8", "CARDENAS<<JORGE<ANTHONY<<<<<<<"]
    assert decode_dg1(encode_dg1(lines)) == lines


def test_dg1_refuses_an_mrz_of_the_wrong_size():
    with pytest.raises(LDSError, match="DG1 mrz"):
        encode_dg1(["P<UTO", "L898902C36"])


@pytest.mark.parametrize("path, size", [(BSI / "Datagroup2.bin", (337, 449)), (LOES / "ef0102.bin", (449, 598))])
def test_dg2_of_the_test_passports_is_a_jpeg2000_face(path, size):
    data = path.read_bytes()
    [face] = decode_dg2(data)
    assert face.image_type == "jpeg2000"
    assert (face.width, face.height) == size
    assert face.image_bytes.startswith(b"\x00\x00\x00\x0cjP  ")
    # Re-encoding the decoded record gives the chip's bytes back, so no field is lost.
    assert encode_dg2([face]) == data


def test_dg3_of_the_german_test_passport_holds_two_wsq_fingers():
    data = (BSI / "Datagroup3.bin").read_bytes()
    fingers = decode_dg3(data)
    assert [(f.position, f.compression, f.width, f.height, f.quality) for f in fingers] == [
        (2, "wsq", 620, 620, 100), (7, "wsq", 620, 620, 100)]
    assert all(f.image_bytes.startswith(b"\xff\xa0") for f in fingers)
    assert encode_dg3(fingers) == data


def test_dg2_round_trip_keeps_a_jpeg_and_its_header_fields():
    jpeg = (TESTDATA / "faces/obama.jpg").read_bytes()
    face = FaceImage(image_bytes=jpeg, image_type="jpeg", width=910, height=1137, gender=1,
                     pose_angle=(1, 2, 3), feature_points=(bytes(range(8)),), quality=77)
    assert decode_dg2(encode_dg2([face, face])) == [face, face]


def test_dg3_round_trip_with_wsq_and_png():
    wsq = (TESTDATA / "fingerprints/jmrtd_fp.wsq").read_bytes()
    png = (TESTDATA / "fingerprints/sourceafis_probe.png").read_bytes()
    fingers = [FingerImage(position=1, image_bytes=wsq, compression="wsq", width=620, height=620),
               FingerImage(position=6, image_bytes=png, compression="png", width=388, height=374)]
    assert decode_dg3(encode_dg3(fingers)) == fingers


def test_dg7_round_trip():
    images = [b"\xff\xd8signature", b"\x89PNG\r\n\x1a\nsecond"]
    assert decode_dg7(encode_dg7(images)) == images


def test_dg2_refuses_an_unknown_image_type():
    with pytest.raises(LDSError, match="image_type"):
        encode_dg2([FaceImage(image_bytes=b"GIF89a", image_type="gif", width=1, height=1)])


@pytest.mark.parametrize("path, algorithm, groups", [
    (BSI / "EF_SOD.bin", "sha1", [1, 2, 3, 14]),
    (LOES / "ef011D.bin", "sha256", [1, 2, 15]),
    (EMRTD / "nz2013/NZ2013_EF_SOD.BIN", "sha256", [1, 2, 12, 13, 15]),
])
def test_sod_of_the_real_documents(path, algorithm, groups):
    sod = decode_sod(path.read_bytes())
    assert (sod.hash_algorithm, sorted(sod.dg_hashes)) == (algorithm, groups)
    assert sod.ds_certificate_der is not None
    assert sod.signer_info.content_type == "2.23.136.1.1.1"


@pytest.mark.parametrize("folder", [BSI, LOES])
def test_sod_hashes_match_the_real_data_groups(folder):
    files = read_lds_dir(folder)
    sod = decode_sod(files["EF_SOD"])
    for number, expected in sod.dg_hashes.items():
        if f"DG{number}" in files:
            assert hash_bytes(sod.hash_algorithm, files[f"DG{number}"]) == expected


def test_decode_sod_refuses_a_data_group_file():
    with pytest.raises(LDSError, match="EF.SOD"):
        decode_sod((BSI / "Datagroup1.bin").read_bytes())
