"""DG2 in ISO/IEC 39794-5, DG11, DG12, DG14 and DG15: typed results, builders, and typed errors."""

from datetime import date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from core.testdata import TESTDATA
from mrtd.errors import LDSError
from mrtd.lds import (
    FORMAT_19794_5, FORMAT_39794_5, ActiveAuthenticationInfo, AdditionalDocumentDetails, AdditionalPersonalDetails,
    ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, FaceImage, OtherSecurityInfo, PACEInfo,
    TerminalAuthenticationInfo, decode_dg2, decode_dg11, decode_dg12, decode_dg14, decode_dg15,
    decode_face_record_39794, encode_dg2, encode_dg11, encode_dg12, encode_dg14, encode_dg15,
    encode_face_record_39794,
)
from mrtd.personalize import personalize
from mrtd.pki import init_test_pki
from mrtd.tlv import encode_tlv, expect_tlv, tlv_children

EMRTD = TESTDATA / "emrtd"
# The ICAO 39794-5 application-profile portrait (JPEG 2000, 413x531) of the shared test data.
FACE_JP2 = (TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg").read_bytes()
MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]


# ---------------------------------------------------------------- DG2, ISO/IEC 39794-5


def _face_39794(**changes) -> FaceImage:
    values = dict(image_bytes=FACE_JP2, image_type="jpeg2000", width=413, height=531, gender=2,
                  record_format=FORMAT_39794_5)
    return FaceImage(**{**values, **changes})


def test_a_39794_dg2_gives_back_the_image_and_its_type():
    dg2 = encode_dg2([_face_39794()])
    [face] = decode_dg2(dg2)
    assert face.image_bytes == FACE_JP2 and face.image_type == "jpeg2000"
    assert (face.width, face.height, face.gender) == (413, 531, 2)
    assert face.record_format == FORMAT_39794_5
    # The biometric data block (constructed, 7F2E) is the DER face image data block:
    # [1] { [APPLICATION 5] { ... } }
    group = expect_tlv(expect_tlv(dg2, 0x75, what="DG2"), 0x7F61, what="group")
    [bit] = tlv_children(group)[0x7F60]
    bit_children = tlv_children(bit)
    assert sorted(bit_children) == [0xA1, 0x7F2E]
    assert bit_children[0x7F2E][0][:1] == b"\xa1" and FACE_JP2 in bit_children[0x7F2E][0]


def test_a_39794_block_under_the_primitive_tag_is_read_too_and_enciphered_data_is_refused():
    block = encode_face_record_39794([_face_39794()])
    header = encode_tlv(0xA1, encode_tlv(0x87, b"\x01\x01") + encode_tlv(0x88, b"\x00\x40"))

    def dg2(tag, data):
        bit = encode_tlv(0x7F60, header + encode_tlv(tag, data))
        return encode_tlv(0x75, encode_tlv(0x7F61, encode_tlv(0x02, b"\x01") + bit))

    assert decode_dg2(dg2(0x5F2E, block))[0].image_bytes == FACE_JP2
    with pytest.raises(LDSError, match="enciphered biometric data"):
        decode_dg2(dg2(0x7F2E, encode_tlv(0x80, b"ciphertext")))


def test_a_bare_application_5_block_is_read_too():
    wrapped = encode_face_record_39794([_face_39794(image_type="jpeg", image_bytes=b"\xff\xd8jpeg")])
    assert wrapped[0] == 0xA1
    bare = wrapped[2:] if wrapped[1] < 0x80 else wrapped[2 + (wrapped[1] & 0x7F):]
    assert bare[0] == 0x65
    [face] = decode_face_record_39794(bare)
    assert face.image_type == "jpeg" and face.image_bytes == b"\xff\xd8jpeg"


def test_19794_and_39794_faces_live_side_by_side_and_19794_stays_the_default():
    old = FaceImage(image_bytes=b"\xff\xd8old", image_type="jpeg", width=10, height=20)
    assert old.record_format == FORMAT_19794_5
    assert decode_dg2(encode_dg2([old, _face_39794()])) == [old, _face_39794()]
    # And the real 19794-5 DG2 of the BSI 2008 passport reads as before
    [bsi] = decode_dg2((EMRTD / "bsi2008/Datagroup2.bin").read_bytes())
    assert bsi.record_format == FORMAT_19794_5 and bsi.image_type == "jpeg2000"


@pytest.mark.parametrize("mutate, named", [
    (lambda b: b.replace(b"\x65", b"\x66", 1), "face image data block"),
    (lambda b: b[:-3], "truncated|announces|bytes"),
])
def test_a_malformed_39794_block_is_a_typed_error_naming_it(mutate, named):
    block = encode_face_record_39794([_face_39794()])
    with pytest.raises(LDSError, match=named):
        decode_face_record_39794(mutate(block))


def test_a_39794_block_with_an_unknown_image_format_is_refused():
    block = encode_face_record_39794([_face_39794(image_type="jpeg", image_bytes=b"\xff\xd8x")])
    # imageDataFormat code 2 (jpeg) -> 9 (none)
    changed = block.replace(b"\xa0\x03\x80\x01\x02", b"\xa0\x03\x80\x01\x09", 1)
    assert changed != block
    with pytest.raises(LDSError, match="image data format: code 9"):
        decode_face_record_39794(changed)


# ---------------------------------------------------------------- DG11


def test_dg11_round_trip_with_every_element():
    details = AdditionalPersonalDetails(
        full_name="QUISPE MAMANI<<ROSA ELENA", other_names=("ROSITA", "ROSA E. QUISPE"), personal_number="70275722",
        full_date_of_birth="19900101", place_of_birth=("CUSCO", "PERÚ"), address=("AV. SOL 123", "CUSCO", "PE"),
        telephone="+51 84 123456", profession="INGENIERA", title="ING.", personal_summary="—",
        proof_of_citizenship=b"\xff\xd8proof", other_travel_documents=("PA1234567", "PB7654321"),
        custody_information="NINGUNA",
    )
    decoded = decode_dg11(encode_dg11(details))
    assert decoded.birth_date == date(1990, 1, 1)
    assert decoded.place_of_birth == ("CUSCO", "PERÚ")
    assert decoded.tag_list == (0x5F0E, 0xA0, 0x5F10, 0x5F2B, 0x5F11, 0x5F42, 0x5F12, 0x5F13, 0x5F14, 0x5F15,
                                0x5F16, 0x5F17, 0x5F18)
    assert decoded == AdditionalPersonalDetails(**{**details.__dict__, "tag_list": decoded.tag_list})


def test_dg11_with_a_partly_unknown_birth_date_keeps_the_text():
    decoded = decode_dg11(encode_dg11(AdditionalPersonalDetails(full_date_of_birth="19900000")))
    assert decoded.full_date_of_birth == "19900000" and decoded.birth_date is None


@pytest.mark.parametrize("body, named", [
    (encode_tlv(0x5F2B, b"1990-01-01"), "DG11 full date of birth"),
    (encode_tlv(0x5F0E, b"\xff\xfe"), "DG11 full_name: not UTF-8"),
    (encode_tlv(0xA0, encode_tlv(0x02, b"\x02") + encode_tlv(0x5F0F, b"ONE")), "DG11 other names: the count"),
    (b"\x5f\x0e\x05AB", "DG11"),
])
def test_a_malformed_dg11_is_a_typed_error_naming_the_element(body, named):
    with pytest.raises(LDSError, match=named):
        decode_dg11(encode_tlv(0x6B, body))


# ---------------------------------------------------------------- DG12


def test_dg12_round_trip_with_every_element():
    details = AdditionalDocumentDetails(
        issuing_authority="SUPERINTENDENCIA NACIONAL DE MIGRACIONES", date_of_issue="20261203",
        other_persons=("QUISPE<<ANA",), endorsements="SIN OBSERVACIONES", tax_exit_requirements="NINGUNO",
        image_of_front=b"\xff\xd8front", image_of_rear=b"\xff\xd8rear", personalization_time="20261203101500",
        personalization_device_serial="PERSO-LIMA-07",
    )
    decoded = decode_dg12(encode_dg12(details))
    assert decoded.issue_date == date(2026, 12, 3)
    assert decoded.personalized_at == datetime(2026, 12, 3, 10, 15)
    assert decoded == AdditionalDocumentDetails(**{**details.__dict__, "tag_list": decoded.tag_list})
    assert decoded.tag_list[0] == 0x5F19


@pytest.mark.parametrize("body, named", [
    (encode_tlv(0x5F26, b"2026123"), "DG12 date of issue"),
    (encode_tlv(0x5F55, b"2026120310"), "DG12 personalization time"),
    (encode_tlv(0xA0, encode_tlv(0x5F1A, b"X")), "DG12 other persons"),
])
def test_a_malformed_dg12_is_a_typed_error_naming_the_element(body, named):
    with pytest.raises(LDSError, match=named):
        decode_dg12(encode_tlv(0x6C, body))


def test_builders_refuse_badly_formed_dates():
    with pytest.raises(LDSError, match="date of issue"):
        encode_dg12(AdditionalDocumentDetails(date_of_issue="3/12/2026"))
    with pytest.raises(LDSError, match="full date of birth"):
        encode_dg11(AdditionalPersonalDetails(full_date_of_birth="1/1/1990"))


# ---------------------------------------------------------------- DG14


def test_the_bsi_passports_dg14_gives_its_chip_authentication_infos():
    data = (EMRTD / "bsi2008/Datagroup14.bin").read_bytes()
    infos = decode_dg14(data)
    [ca] = infos.chip_authentication
    assert ca.protocol_name == "id-CA-ECDH-3DES-CBC-CBC" and ca.version == 1
    [key] = infos.chip_authentication_keys
    assert key.algorithm == "ECDH" and key.public_key_der[:1] == b"\x30"
    assert infos.of(TerminalAuthenticationInfo)[0].version == 1
    # The builder writes the same bytes back, in the chip's order
    assert encode_dg14(infos.infos) == data


def test_dg14_with_pace_and_active_authentication_round_trips():
    point = ec.generate_private_key(ec.SECP256R1()).public_key()
    from cryptography.hazmat.primitives import serialization

    spki = point.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    infos = [
        PACEInfo("0.4.0.127.0.7.2.2.4.2.2", "id-PACE-ECDH-GM-AES-CBC-CMAC-128", 2, 12),
        ChipAuthenticationInfo("0.4.0.127.0.7.2.2.3.2.2", "id-CA-ECDH-AES-CBC-CMAC-128", 1, 7),
        ChipAuthenticationPublicKeyInfo("0.4.0.127.0.7.2.2.1.2", "ECDH", spki, 7),
        ActiveAuthenticationInfo(1, "0.4.0.127.0.7.1.1.4.1.3", "ecdsa-plain-SHA256"),
        OtherSecurityInfo("1.2.3.4", b"\x05\x00"),
    ]
    decoded = decode_dg14(encode_dg14(infos))
    assert list(decoded.infos) == infos
    assert decoded.pace[0].parameter_id == 12  # brainpoolP256r1
    assert decoded.active_authentication[0].signature_algorithm_name == "ecdsa-plain-SHA256"


@pytest.mark.parametrize("value, named", [
    (b"\x31\x03\x30\x01\x06", "DG14 SecurityInfos: malformed"),
    (b"\x31\x0a\x30\x08\x06\x06\x67\x81\x08\x01\x01\x05", "DG14 SecurityInfos: malformed"),
    # id-AA without its signature algorithm
    (b"\x31\x0d\x30\x0b\x06\x06\x67\x81\x08\x01\x01\x05\x02\x01\x01", "ActiveAuthenticationInfo"),
])
def test_a_malformed_dg14_is_a_typed_error_naming_it(value, named):
    with pytest.raises(LDSError, match=named):
        decode_dg14(encode_tlv(0x6E, value))


# ---------------------------------------------------------------- DG15


@pytest.mark.parametrize("path, size", [(EMRTD / "loes2006/ef010F.bin", 1024), (EMRTD / "bsi2008/Datagroup15.bin", 1024),
                                        (Path(__file__).parent / "data/gmrtd/DG15_RSA.bin", 1792)])
def test_real_dg15_files_give_their_rsa_active_authentication_key(path, size):
    # (The BSI 2008 passport writes its modulus as a negative INTEGER; it is read as the chip uses it.)
    key = decode_dg15(path.read_bytes())
    assert key.algorithm == "RSA" and key.description == f"RSA {size}"
    assert key.spki_der == expect_tlv(path.read_bytes(), 0x6F, what="DG15")


@pytest.mark.parametrize("make, expected", [
    (lambda: ec.generate_private_key(ec.BrainpoolP256R1()).public_key(), "EC brainpoolP256r1"),
    (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key(), "RSA 2048"),
])
def test_dg15_builder_and_decoder_agree(make, expected):
    public_key = make()
    decoded = decode_dg15(encode_dg15(public_key))
    assert decoded.description == expected
    assert decoded.public_key.public_numbers() == public_key.public_numbers()


def test_a_malformed_dg15_is_a_typed_error():
    with pytest.raises(LDSError, match="DG15 SubjectPublicKeyInfo"):
        decode_dg15(encode_tlv(0x6F, b"\x30\x03\x02\x01\x01"))
    with pytest.raises(LDSError, match="DG15 public_key"):
        encode_dg15("not a key")


def test_personalization_can_carry_the_new_groups_signed_in_the_sod(tmp_path):
    """The builders' output is hashed into the SOD like any other group (for the personalization to come)."""
    from mrtd.lds import decode_sod, encode_sod, hash_bytes

    pki = init_test_pki(tmp_path)
    files = personalize(mrz_lines=MRZ, face_image=FACE_JP2, pki=pki)
    groups = {1: files["DG1"], 2: encode_dg2([_face_39794()]),
              11: encode_dg11(AdditionalPersonalDetails(full_name="QUISPE MAMANI<<ROSA ELENA")),
              15: encode_dg15(ec.generate_private_key(ec.SECP256R1()).public_key())}
    sod = decode_sod(encode_sod(groups, pki.ds_private_key, pki.ds_cert_der))
    assert sod.dg_hashes == {n: hash_bytes("sha256", data) for n, data in groups.items()}


# ---------------------------------------------------------------- real-world files (data/SOURCES.md)

DATA = Path(__file__).parent / "data"


def test_real_dg11_files_decode():
    icao = decode_dg11((DATA / "icao/DG11_9303p10_A5.bin").read_bytes())
    assert icao.full_name == "SMITH<<JOHN<J"
    assert icao.place_of_birth == ("ANYTOWN", "MN") and icao.address == ("123 MAPLE RD", "ANYTOWN", "MN")
    assert (icao.telephone, icao.profession) == ("16125551212", "TRAVEL<AGENT")
    # China writes the name in Chinese characters and the other name at the top level, without A0
    china = decode_dg11((DATA / "chn/DG11.bin").read_bytes())
    assert china.full_name == "赵彬" and china.other_names == ("ZHAO<<BIN",)


def test_real_dg12_files_decode():
    france = decode_dg12((DATA / "fra/DG12.bin").read_bytes())
    assert france.issuing_authority == "JAKARTA - AMBASSADE DE FRANCE EN INDONESIE"
    assert france.issue_date == date(2017, 9, 5)
    new_zealand = decode_dg12((DATA / "nzl/DG12.bin").read_bytes())
    assert new_zealand.personalized_at == datetime(2016, 11, 15, 1, 36, 12)
    assert new_zealand.personalization_device_serial == "N-4962"


def test_dg12_dates_in_packed_bcd_are_read():
    bcd = encode_tlv(0x6C, encode_tlv(0x5F26, bytes.fromhex("20210915")) + encode_tlv(0x5F55, bytes.fromhex("20171115013612")))
    details = decode_dg12(bcd)
    assert details.issue_date == date(2021, 9, 15) and details.personalized_at == datetime(2017, 11, 15, 1, 36, 12)


@pytest.mark.parametrize("path, pace, ca, expected", [
    ("aut/DG14.bin", ["id-PACE-ECDH-GM-AES-CBC-CMAC-128"], ["id-CA-ECDH-AES-CBC-CMAC-128"], 4),
    ("mys/DG14.bin", [], ["id-CA-ECDH-3DES-CBC-CBC"], 3),
    ("gmrtd/DG14_PACE_CAM.bin", ["id-PACE-ECDH-GM-AES-CBC-CMAC-256", "id-PACE-ECDH-CAM-AES-CBC-CMAC-256"],
     ["id-CA-ECDH-AES-CBC-CMAC-256"], 5),
])
def test_real_dg14_files_decode(path, pace, ca, expected):
    data = (DATA / path).read_bytes()
    infos = decode_dg14(data)
    assert [p.protocol_name for p in infos.pace] == pace
    assert [c.protocol_name for c in infos.chip_authentication] == ca
    assert len(infos.chip_authentication_keys) == 1 and len(infos.infos) == expected
    assert encode_dg14(infos.infos) == data
