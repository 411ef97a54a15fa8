"""AES secure messaging (ICAO 9303 Part 11 section 9.8 after PACE): round trips for every AES key
length, tampering and replay refused, random bytes give SMError only, no unprotected reply."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mrtd.apdu import CommandAPDU
from mrtd.errors import SMError
from mrtd.sm import SecureMessaging

H = bytes.fromhex


def _pair(key_length: int = 16, ssc: int = 0) -> tuple[SecureMessaging, SecureMessaging]:
    ks_enc, ks_mac = os.urandom(key_length), os.urandom(key_length)
    return (SecureMessaging(ks_enc, ks_mac, ssc, cipher="AES"), SecureMessaging(ks_enc, ks_mac, ssc, cipher="AES"))


_apdu = st.builds(
    lambda ins, p1, p2, data, le: CommandAPDU(0x00, ins, p1, p2, data, le).to_bytes(),
    st.sampled_from([0xA4, 0xB0, 0xB1, 0x84, 0xCA]), st.integers(0, 255), st.integers(0, 255),
    st.binary(max_size=300), st.one_of(st.none(), st.integers(1, 256), st.integers(257, 65536)),
)


@settings(max_examples=120, deadline=None)
@given(apdu=_apdu, response=st.binary(max_size=600), key_length=st.sampled_from([16, 24, 32]),
       ssc=st.integers(0, (1 << 128) - 3))
def test_aes_wrap_then_unwrap_gives_back_the_original(apdu, response, key_length, ssc):
    terminal, chip = _pair(key_length, ssc)
    assert chip.unwrap_command(terminal.wrap_command(apdu)) == apdu
    assert terminal.unwrap_response(chip.wrap_response(response + H("9000"))) == response + H("9000")
    assert terminal.ssc == chip.ssc == (ssc + 2) % (1 << 128)


def test_the_aes_iv_follows_the_ssc_so_the_same_command_never_repeats_its_cryptogram():
    terminal, _ = _pair()
    first, second = terminal.wrap_command(H("00A4020C02011E")), terminal.wrap_command(H("00A4020C02011E"))
    assert first[:7] == second[:7] == H("0CA4020C1D8711")  # one 16-byte block after 01
    assert first[7:24] != second[7:24]


def test_tampered_or_replayed_aes_traffic_is_refused():
    terminal, chip = _pair()
    command = bytearray(terminal.wrap_command(H("00B0000004")))
    command[-3] ^= 1
    with pytest.raises(SMError, match="MAC"):
        chip.unwrap_command(bytes(command))
    terminal, chip = _pair()
    chip.unwrap_command(terminal.wrap_command(H("00B0000004")))
    reply = chip.wrap_response(H("60145F019000"))
    terminal.unwrap_response(reply)
    terminal.wrap_command(H("00B0000004"))
    with pytest.raises(SMError, match="MAC"):
        terminal.unwrap_response(reply)  # the SSC moved on


@pytest.mark.parametrize("status", ["9000", "6A82", "6982"])
def test_an_unprotected_status_inside_an_aes_session_is_refused(status):
    terminal, _ = _pair()
    terminal.wrap_command(H("00A4020C02011E"))
    with pytest.raises(SMError, match="sin mensajería segura") as refused:
        terminal.unwrap_response(H(status))
    assert refused.value.sw == int(status, 16)


@settings(max_examples=200, deadline=None)
@given(junk=st.binary(max_size=120))
def test_random_bytes_give_sm_errors_only(junk):
    terminal, chip = _pair()
    for call, data in ((chip.unwrap_command, b"\x0C\xB0\x00\x00" + bytes((len(junk) % 256,)) + junk),
                       (terminal.unwrap_response, junk + H("9000"))):
        try:
            call(data)
        except SMError:
            pass
