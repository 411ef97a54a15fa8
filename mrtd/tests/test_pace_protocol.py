"""PACE between our terminal and our virtual chip: every supported curve and cipher, the status
words of a failing step, and malformed GENERAL AUTHENTICATE data from either side."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mrtd.cardaccess import (
    PACE_ECDH_GM_3DES, PACE_ECDH_GM_AES_128, PACE_ECDH_GM_AES_192, PACE_ECDH_GM_AES_256, PACE_ECDH_IM_3DES,
    PACE_ECDH_IM_AES_128, PACE_ECDH_IM_AES_192, PACE_ECDH_IM_AES_256, PARAMETER_CURVES, PACEInfo,
)
from mrtd.chip import EMRTD_AID, VirtualChip
from mrtd.errors import MRTDError, PACEAuthenticationError, PACEError
from mrtd.lds import encode_dg1, encode_ef_com
from mrtd.mrz import bac_key_seed_info, parse_mrz
from mrtd.pace import (
    PASSWORD_CAN, PACEChip, PACETerminal, can_password, dynamic_data, mrz_password, pace_params, supported,
)
from mrtd.reader import _Session

H = bytes.fromhex
MRZ = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
INFO = bac_key_seed_info(parse_mrz(MRZ))
OTHER_INFO = INFO[:10] + "7408130" + INFO[17:]  # someone else's birth date
FILES = {"EF_COM": encode_ef_com(["DG1"]), "DG1": encode_dg1(MRZ)}
PROTOCOLS = [PACE_ECDH_GM_3DES, PACE_ECDH_GM_AES_128, PACE_ECDH_GM_AES_192, PACE_ECDH_GM_AES_256,
             PACE_ECDH_IM_3DES, PACE_ECDH_IM_AES_128, PACE_ECDH_IM_AES_192, PACE_ECDH_IM_AES_256]
# Every configuration we support: all curves for Generic Mapping; for Integrated Mapping those
# with p = 3 mod 4 (all but secp224r1), as the point encoding of Appendix B requires.
CONFIGURATIONS = [(protocol, pid) for protocol in PROTOCOLS for pid in sorted(PARAMETER_CURVES)
                  if supported(PACEInfo(protocol, 2, pid))]


def _pace(chip: VirtualChip, info: PACEInfo, password: bytes, **kwargs) -> _Session:
    session = _Session(chip)
    session.pace(pace_params(info.protocol, info.parameter_id), password, **kwargs)
    return session


def test_configurations_cover_every_curve_and_cipher_for_both_mappings():
    assert len(CONFIGURATIONS) == 8 * len(PARAMETER_CURVES) - 4  # IM on secp224r1 (id 10) is refused
    assert not supported(PACEInfo(PACE_ECDH_IM_AES_128, 2, 10))


@pytest.mark.parametrize("protocol, parameter_id", CONFIGURATIONS)
def test_round_trip_every_curve_and_cipher_then_dg1_under_secure_messaging(protocol, parameter_id):
    # Given a PACE-only chip offering this one configuration
    info = PACEInfo(protocol, 2, parameter_id)
    chip = VirtualChip(FILES, mrz_lines=MRZ, access="pace", pace_infos=[info])
    # when our terminal runs PACE with the right MRZ
    session = _pace(chip, info, mrz_password(INFO))
    # then both sides hold the same session and DG1 reads back under its secure messaging
    assert session.sm.cipher == ("3DES" if protocol in (PACE_ECDH_GM_3DES, PACE_ECDH_IM_3DES) else "AES")
    assert session.select(0x0101) == 0x9000
    assert session.read(0, 8) == FILES["DG1"][:8]
    assert chip.authenticated


def test_can_password_opens_the_chip_too():
    info = PACEInfo(PACE_ECDH_GM_AES_128, 2, 13)
    chip = VirtualChip(FILES, mrz_lines=MRZ, access="pace", pace_infos=[info], can="123456")
    session = _pace(chip, info, can_password("123456"), password_ref=PASSWORD_CAN)
    assert session.select(0x0101) == 0x9000
    with pytest.raises(PACEAuthenticationError):
        _pace(chip, info, can_password("654321"), password_ref=PASSWORD_CAN)


def test_wrong_mrz_chip_answers_6300_and_reader_says_wrong_mrz():
    info = PACEInfo(PACE_ECDH_GM_AES_128, 2, 13)
    chip = VirtualChip(FILES, mrz_lines=MRZ, access="pace", pace_infos=[info])
    with pytest.raises(PACEAuthenticationError, match="MRZ") as caught:
        _pace(chip, info, mrz_password(OTHER_INFO))
    assert caught.value.sw == 0x6300
    assert not chip.authenticated
    # and the files stay closed
    assert chip.transmit(H("00A4040C07") + EMRTD_AID) == H("9000")
    assert chip.transmit(H("00B0810004")) == H("6982")


def _chip_after(steps: int, info: PACEInfo = PACEInfo(PACE_ECDH_GM_AES_128, 2, 13)):
    """A PACEChip and our terminal after `steps` GENERAL AUTHENTICATE exchanges; (chip, terminal, next data)."""
    params = pace_params(info.protocol, info.parameter_id)
    chip = PACEChip([info], {1: mrz_password(INFO)})
    terminal = PACETerminal(params, mrz_password(INFO))
    chip.mse_set_at(terminal.mse_set_at())
    data = terminal.step1()
    for step in (terminal.step2, terminal.step3, terminal.step4)[:steps]:
        data = step(chip.general_authenticate(data))
    return chip, terminal, data


def test_a_forged_terminal_token_is_6300():
    chip, _, data = _chip_after(3)
    assert data[:4] == H("7C0A8508")
    with pytest.raises(PACEAuthenticationError) as caught:
        chip.general_authenticate(data[:-1] + bytes((data[-1] ^ 1,)))
    assert caught.value.sw == 0x6300
    assert chip.result is None


def test_a_forged_chip_token_is_refused_by_the_terminal():
    chip, terminal, data = _chip_after(3)
    reply = chip.general_authenticate(data)
    with pytest.raises(PACEAuthenticationError):
        terminal.complete(reply[:-1] + bytes((reply[-1] ^ 1,)))


def test_a_point_off_the_curve_is_6a80():
    chip, _, data = _chip_after(1)  # the terminal's mapping key is next
    bad = bytearray(data)
    bad[-1] ^= 1
    with pytest.raises(PACEError, match="not on") as caught:
        chip.general_authenticate(bytes(bad))
    assert caught.value.sw == 0x6A80


def test_the_terminal_refuses_a_chip_that_echoes_its_ephemeral_key():
    _, terminal, data = _chip_after(2)  # data: 7C 43 83 41 <the terminal's ephemeral public key>
    with pytest.raises(PACEError, match="same") as caught:
        terminal.step4(dynamic_data(0x84, data[4:]))
    assert caught.value.sw == 0x6A80


@pytest.mark.parametrize("command, sw", [
    (H("00860000027C0000"), "6982"),  # GENERAL AUTHENTICATE without MSE:Set AT
    (H("0022C1A40F800A04007F00070202040203830101"), "6A80"),  # a protocol the chip does not offer
    (H("0022C1A40F800A04007F00070202040202830102"), "6A88"),  # CAN: the chip has none
    (H("0022C1A403800A04"), "6A80"),  # truncated TLV
])
def test_status_words_of_refused_steps(command, sw):
    chip = VirtualChip(FILES, mrz_lines=MRZ, access="pace")
    assert chip.transmit(command) == H(sw)


def test_bac_only_chip_does_not_know_pace_and_pace_only_chip_refuses_bac():
    bac_only = VirtualChip(FILES, mrz_lines=MRZ)
    assert bac_only.transmit(H("0022C1A40F800A04007F00070202040202830101")) == H("6D00")
    assert bac_only.transmit(H("00A4020C02011C")) == H("6A82")  # no EF.CardAccess
    pace_only = VirtualChip(FILES, mrz_lines=MRZ, access="pace")
    assert pace_only.transmit(H("00A4040C07") + EMRTD_AID) == H("9000")
    challenge = pace_only.transmit(H("0084000008"))
    assert challenge[-2:] == H("9000")
    assert pace_only.transmit(H("0082000028") + bytes(40) + H("28")) == H("6982")


# --- malformed GENERAL AUTHENTICATE data ----------------------------------------------------

_garbage = st.one_of(
    st.binary(max_size=200),
    st.binary(max_size=160).map(lambda b: b"\x7C" + bytes((len(b) % 256,)) + b),
    st.tuples(st.sampled_from([0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x8A]), st.binary(max_size=140))
    .map(lambda t: dynamic_data(t[0], t[1])),
    st.binary(min_size=64, max_size=64).map(lambda b: dynamic_data(0x81, b"\x04" + b)),
    st.binary(min_size=16, max_size=16).map(lambda b: dynamic_data(0x81, b)),  # an IM nonce t
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.integers(min_value=0, max_value=3), data=_garbage,
       protocol=st.sampled_from([PACE_ECDH_GM_AES_128, PACE_ECDH_IM_AES_128]))
def test_chip_side_malformed_data_is_a_pace_error_with_a_status_word(steps, data, protocol):
    chip, _, _ = _chip_after(steps, PACEInfo(protocol, 2, 13))
    try:
        chip.general_authenticate(data)
    except PACEError as exc:
        assert exc.sw in (0x6300, 0x6A80, 0x6982)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.integers(min_value=0, max_value=3), data=_garbage,
       protocol=st.sampled_from([PACE_ECDH_GM_AES_128, PACE_ECDH_IM_AES_128]))
def test_terminal_side_malformed_chip_data_only_raises_mrtd_errors(steps, data, protocol):
    _, terminal, _ = _chip_after(steps, PACEInfo(protocol, 2, 13))
    step = (terminal.step2, terminal.step3, terminal.step4, terminal.complete)[steps]
    try:
        step(data)
    except MRTDError:
        pass


@settings(max_examples=100, deadline=None)
@given(data=_garbage, cla=st.sampled_from([0x00, 0x10]))
def test_virtual_chip_answers_malformed_general_authenticate_with_a_status_word(data, cla):
    chip = VirtualChip(FILES, mrz_lines=MRZ, access="pace")
    assert chip.transmit(H("0022C1A40F800A04007F00070202040202830101")) == H("9000")
    apdu = bytes((cla, 0x86, 0, 0, len(data))) + data + b"\x00" if 0 < len(data) < 256 else bytes((cla, 0x86, 0, 0))
    response = chip.transmit(apdu)
    assert response[-2:] != H("6F00")  # 6F00 would be an unexpected exception inside the chip


def test_the_chips_certification_authority_references_beside_its_token_are_accepted():
    from mrtd.tlv import encode_tlv
    chip, terminal, data = _chip_after(3)
    token = chip.general_authenticate(data)[4:]
    reply = encode_tlv(0x7C, encode_tlv(0x86, token) + encode_tlv(0x87, b"DECVCAeID00102"))
    assert terminal.complete(reply).ks_mac == chip.result.ks_mac
    # but not an object PACE-GM does not define (8A is Chip Authentication Mapping's)
    chip, terminal, data = _chip_after(3)
    token = chip.general_authenticate(data)[4:]
    with pytest.raises(PACEError, match="exactly one 86"):
        terminal.complete(encode_tlv(0x7C, encode_tlv(0x86, token) + encode_tlv(0x8A, bytes(32))))


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(set(PARAMETER_CURVES.values()))), k=st.integers(min_value=1))
def test_our_scalar_multiplication_agrees_with_openssl(name, k):
    from mrtd.curves import CURVES
    from mrtd.pace import base_multiply, multiply
    curve = CURVES[name]
    k = k % (curve.n - 1) + 1
    assert base_multiply(curve, k) == multiply(curve, k, (curve.gx, curve.gy))


@pytest.mark.parametrize("protocol, length", [(PACE_ECDH_GM_3DES, 16), (PACE_ECDH_GM_AES_128, 16),
                                              (PACE_ECDH_GM_AES_192, 32), (PACE_ECDH_GM_AES_256, 32)])
def test_the_encrypted_nonce_is_as_long_as_section_4_4_3_3_says(protocol, length):
    # l: the smallest multiple of the block size with l >= k, 3DES counting as k = 128
    chip, _, _ = _chip_after(0, PACEInfo(protocol, 2, 13))
    reply = chip.general_authenticate(dynamic_data(0))
    assert reply[2:4] == bytes((0x80, length)) and len(reply) == 4 + length
