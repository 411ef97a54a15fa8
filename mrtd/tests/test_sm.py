"""3DES secure messaging against ICAO 9303 Part 11 Appendix D, and wrap/unwrap properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrtd.errors import SMError
from mrtd.sm import SecureMessaging

H = bytes.fromhex
KS_ENC, KS_MAC, SSC = H("979EC13B1CBFE9DCD01AB0FED307EAE5"), H("F1CB1F1FB5ADF208806B89DC579DC1F8"), H("887022120C06C226")


def _pair() -> tuple[SecureMessaging, SecureMessaging]:
    return SecureMessaging(KS_ENC, KS_MAC, SSC), SecureMessaging(KS_ENC, KS_MAC, SSC)


def test_terminal_reproduces_icao_protected_apdus_and_reads_ef_com_header():
    terminal = SecureMessaging(KS_ENC, KS_MAC, SSC)
    assert terminal.wrap_command(H("00A4020C02011E")) == H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    assert terminal.unwrap_response(H("990290008E08FA855A5D4C50A8ED9000")) == H("9000")
    assert terminal.wrap_command(H("00B0000004")) == H("0CB000000D9701048E08ED6705417E96BA5500")
    plain = terminal.unwrap_response(H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
    assert plain == H("60145F01") + H("9000")


def test_chip_reproduces_icao_protected_responses():
    chip = SecureMessaging(KS_ENC, KS_MAC, SSC)
    assert chip.unwrap_command(H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")) == H("00A4020C02011E")
    assert chip.wrap_response(H("9000")) == H("990290008E08FA855A5D4C50A8ED9000")
    assert chip.unwrap_command(H("0CB000000D9701048E08ED6705417E96BA5500")) == H("00B0000004")
    assert chip.wrap_response(H("60145F019000")) == H("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")


def test_tampered_command_is_refused():
    terminal, chip = _pair()
    wrapped = bytearray(terminal.wrap_command(H("00A4020C02011E")))
    wrapped[8] ^= 0x01
    with pytest.raises(SMError):
        chip.unwrap_command(bytes(wrapped))


def test_replayed_response_is_refused():
    terminal, chip = _pair()
    chip.unwrap_command(terminal.wrap_command(H("00B0000004")))
    response = chip.wrap_response(H("60145F019000"))
    terminal.unwrap_response(response)
    terminal.wrap_command(H("00B0000004"))
    with pytest.raises(SMError, match="MAC"):
        terminal.unwrap_response(response)  # the SSC moved on


def test_garbage_gives_typed_errors():
    terminal, chip = _pair()
    for junk in (H("0C"), H("0CB00000"), H("0CB0000003870101"), H("0CB00000028E")):
        with pytest.raises(SMError):
            chip.unwrap_command(junk)
    with pytest.raises(SMError):
        terminal.unwrap_response(H("99029000") + H("9000"))


_apdu = st.builds(
    lambda ins, p1, p2, data, le: (ins, p1, p2, data, le),
    st.sampled_from([0xA4, 0xB0, 0xB1, 0x84, 0x82, 0xCA]),
    st.integers(0, 255), st.integers(0, 255),
    st.binary(max_size=300),
    st.one_of(st.none(), st.integers(1, 256), st.integers(257, 65536)),
)


@settings(max_examples=120, deadline=None)
@given(apdu=_apdu, response=st.binary(max_size=600), sw=st.sampled_from([0x9000, 0x6282, 0x6A82, 0x6B00]),
       ssc=st.binary(min_size=8, max_size=8))
def test_wrap_then_unwrap_gives_back_the_original(apdu, response, sw, ssc):
    from mrtd.apdu import CommandAPDU
    ins, p1, p2, data, le = apdu
    plain = CommandAPDU(0x00, ins, p1, p2, data, le).to_bytes()
    terminal, chip = SecureMessaging(KS_ENC, KS_MAC, ssc), SecureMessaging(KS_ENC, KS_MAC, ssc)
    assert chip.unwrap_command(terminal.wrap_command(plain)) == plain
    plain_response = response + sw.to_bytes(2, "big")
    assert terminal.unwrap_response(chip.wrap_response(plain_response)) == plain_response


@pytest.mark.parametrize("status", ["9000", "6282", "6A82", "6982", "6B00"])
def test_an_unprotected_status_inside_a_session_is_refused(status):
    # Given a terminal in a secure session that sent a protected command
    terminal, _ = _pair()
    terminal.wrap_command(H("00A4020C02011E"))
    # When the reply is a bare status word, without its MAC (a downgrade: plain 90 00 means "done")
    with pytest.raises(SMError, match="sin mensajería segura") as refused:
        terminal.unwrap_response(H(status))
    # Then it is refused with a typed error that carries the status word
    assert refused.value.sw == int(status, 16)
