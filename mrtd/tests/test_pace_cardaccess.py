"""EF.CardAccess: the SecurityInfos of real and ICAO chips decode, ours encode back, anything
malformed is a CardAccessError naming the structure."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrtd.cardaccess import (
    PACE_ECDH_GM_AES_128, PACE_ECDH_GM_AES_256, CardAccess, PACEInfo, decode_card_access, decode_oid,
    encode_card_access, encode_oid,
)
from mrtd.errors import CardAccessError, MRTDError
from mrtd.pace import choose

H = bytes.fromhex


def test_icao_appendix_g_card_access():
    ca = decode_card_access(H("31143012060A04007F0007020204020202010202010D"))
    assert ca == CardAccess((PACEInfo(PACE_ECDH_GM_AES_128, 2, 13),))
    assert ca.encode() == H("31143012060A04007F0007020204020202010202010D")


def test_german_card_with_gm_and_cam_entries_prefers_what_we_support():
    # gmrtd TestDoPace_CAM_ECDH_DE: ECDH-GM AES-128 and ECDH-CAM AES-128, both brainpoolP256r1
    ca = decode_card_access(H("31283012060A04007F0007020204020202010202010D3012060A04007F0007020204060202010202010D"))
    assert [i.mapping for i in ca.pace] == ["ECDH-GM", "ECDH-CAM"]
    assert choose(ca.pace).protocol == PACE_ECDH_GM_AES_128


def test_two_entries_strongest_supported_chosen_and_unknown_infos_kept():
    infos = [PACEInfo(PACE_ECDH_GM_AES_128, 2, 13), PACEInfo(PACE_ECDH_GM_AES_256, 2, 16)]
    ta = H("300D060804007F00070202020201 02".replace(" ", ""))  # TerminalAuthenticationInfo, version 2
    raw = encode_card_access(infos)
    raw_with_ta = H("31") + bytes((len(raw) - 2 + len(ta),)) + raw[2:] + ta
    ca = decode_card_access(raw_with_ta)
    assert set(ca.pace) == set(infos) and ca.others[0].protocol == "0.4.0.127.0.7.2.2.2"
    params = choose(ca.pace)
    assert (params.protocol, params.curve.name) == (PACE_ECDH_GM_AES_256, "brainpoolP384r1")


def test_nothing_supported_chooses_none():
    # DH Generic Mapping with a MODP group: well-formed, not ours
    ca = decode_card_access(H("31143012060A04007F00070202040101020102020100"))
    assert ca.pace[0].mapping == "DH-GM" and choose(ca.pace) is None


@pytest.mark.parametrize("raw, names", [
    ("", "EF.CardAccess"),
    ("30143012060A04007F0007020204020202010202010D", "SET"),
    ("31143012060A04007F0007020204020202010202010D00", "after SecurityInfos"),
    ("31140412060A04007F0007020204020202010202010D", "SecurityInfo #0"),
    ("3100", "no PACEInfo"),
    ("31143012060A04007F0007020204020202010302010D", "version"),
    ("311430120A0A04007F0007020204020202010202010D", "OBJECT IDENTIFIER"),
    ("31143012060A04007F000702020402020201020201FF", "PACEInfo #0 parameterId: negative"),
    ("31083006060004007F00", "SecurityInfo #0"),
    ("31053003060100", "SecurityInfo #0"),
])
def test_malformed_card_access_is_a_typed_error_naming_the_structure(raw, names):
    with pytest.raises(CardAccessError, match=names):
        decode_card_access(H(raw))


def test_oid_round_trip():
    for oid in ("0.4.0.127.0.7.2.2.4.2.2", "1.2.840.10045.3.1.7", "2.999.1"):
        assert decode_oid(encode_oid(oid)) == oid


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes_only_raise_card_access_errors(raw):
    try:
        decode_card_access(raw)
    except CardAccessError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "4", "6"]), st.sampled_from(["1", "2", "3", "4"]),
                          st.integers(0, 40)), min_size=1, max_size=4))
def test_encoded_pace_infos_decode_back(entries):
    infos = [PACEInfo(f"0.4.0.127.0.7.2.2.4.{m}.{c}", 2, pid) for m, c, pid in entries]
    try:
        assert set(decode_card_access(encode_card_access(infos)).pace) == set(infos)
    except MRTDError as exc:  # only a structural limit may refuse them, never a crash
        pytest.fail(str(exc))
