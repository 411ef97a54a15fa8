"""The virtual eMRTD chip: ICAO's worked BAC/SM exchange, status words, long reads, and the vpcd socket protocol."""

import os
import socket
import threading

import pytest

from mrtd.bac import BACTerminal, derive_keys_from_info
from mrtd.chip import EMRTD_AID, VirtualChip, serve_vpcd
from mrtd.errors import ReaderError
from mrtd.lds import decode_dg1, encode_dg1, encode_ef_com
from mrtd.mrz import bac_key_seed_info, parse_mrz
from mrtd.sm import SecureMessaging
from mrtd.tlv import encode_tlv
from core.testdata import TESTDATA

H = bytes.fromhex
ICAO_INFO = "L898902C<369080619406236"
RND_IC, K_IC = H("4608F91988702212"), H("0B4F80323EB3191CB04970CB4052790B")
LOES = TESTDATA / "emrtd/loes2006"
MRZ = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C<3UTO6908061F9406236ZE184226B<<<<<14"]


def _replay_rng(*values: bytes):
    queue = list(values)
    return lambda n: queue.pop(0)


def _files(dg2_size: int = 100) -> dict[str, bytes]:
    return {
        "EF_COM": encode_ef_com(["DG1", "DG2"]),
        "DG1": encode_dg1(MRZ),
        "DG2": encode_tlv(0x75, os.urandom(dg2_size)),
    }


def _authenticated(chip: VirtualChip, info: str = ICAO_INFO) -> SecureMessaging:
    """Run BAC against `chip` the way a terminal does; returns the terminal's SM session."""
    assert chip.transmit(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID) == H("9000")
    challenge = chip.transmit(H("0084000008"))
    terminal = BACTerminal(derive_keys_from_info(info))
    resp = chip.transmit(H("00820000") + b"\x28" + terminal.external_authenticate_data(challenge[:8]) + b"\x28")
    assert resp[-2:] == H("9000")
    keys = terminal.complete(resp[:-2])
    return SecureMessaging(keys.ks_enc, keys.ks_mac, keys.ssc)


def _send(chip: VirtualChip, sm: SecureMessaging, apdu: bytes) -> bytes:
    return sm.unwrap_response(chip.transmit(sm.wrap_command(apdu)))


def test_chip_replays_icao_worked_example():
    # Given a chip whose random numbers are ICAO's and whose EF.COM starts 60 14 5F 01
    files = {"EF_COM": H("60145F0104303130375F36063034303030305C026175"), "DG1": encode_dg1(MRZ)}
    chip = VirtualChip(files, mrz_info=ICAO_INFO, rng=_replay_rng(RND_IC, K_IC))
    assert chip.transmit(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID) == H("9000")
    assert chip.transmit(H("0084000008")) == RND_IC + H("9000")
    ext = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
    expected = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")
    assert chip.transmit(H("0082000028") + ext + H("28")) == expected + H("9000")
    # then its protected answers are byte for byte those of Part 11 Appendix D
    assert chip.transmit(H("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")) == H("990290008E08FA855A5D4C50A8ED9000")
    assert chip.transmit(H("0CB000000D9701048E08ED6705417E96BA5500")) == H(
        "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")


def test_files_are_refused_before_bac():
    chip = VirtualChip(_files(), mrz_lines=MRZ)
    chip.transmit(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID)
    assert chip.transmit(H("00A4020C020101")) == H("9000")
    assert chip.transmit(H("00B0000004")) == H("6982")


def test_wrong_mrz_fails_external_authenticate():
    chip = VirtualChip(_files(), mrz_lines=MRZ)
    with pytest.raises(AssertionError):
        _authenticated(chip, info="L898902C<369080619406237")
    assert not chip.authenticated


def test_status_words_for_missing_file_bad_offset_and_unknown_instruction():
    chip = VirtualChip(_files(dg2_size=100), mrz_lines=MRZ)
    sm = _authenticated(chip, bac_key_seed_info(parse_mrz(MRZ)))
    assert _send(chip, sm, H("00A4020C020105")) == H("6A82")  # DG5 is not on this chip
    assert _send(chip, sm, H("00A4020C020102")) == H("9000")
    assert _send(chip, sm, H("00B0100004")) == H("6B00")  # offset 4096 is past DG2's end
    assert _send(chip, sm, H("00CA000000")) == H("6D00")
    assert chip.transmit(H("00A4040C07A0000002471002")) == H("6A82")


def test_bad_secure_messaging_gives_6988_and_ends_the_session():
    chip = VirtualChip(_files(), mrz_lines=MRZ)
    sm = _authenticated(chip, bac_key_seed_info(parse_mrz(MRZ)))
    tampered = bytearray(sm.wrap_command(H("00A4020C020101")))
    tampered[-3] ^= 0xFF  # inside the MAC
    assert chip.transmit(bytes(tampered)) == H("6988")
    assert chip.transmit(sm.wrap_command(H("00A4020C020101"))) == H("6988")


def test_long_files_read_with_b0_up_to_32767_and_b1_beyond():
    files = _files(dg2_size=40000)
    chip = VirtualChip(files, mrz_lines=MRZ)
    sm = _authenticated(chip, bac_key_seed_info(parse_mrz(MRZ)))
    assert _send(chip, sm, H("00A4020C020102")) == H("9000")
    high = _send(chip, sm, H("00B07FF010"))
    assert high[:-2] == files["DG2"][0x7FF0:0x8000]
    offset = 35000
    odd = _send(chip, sm, H("00B1000005") + H("5403") + offset.to_bytes(3, "big") + H("40"))
    assert odd[-2:] == H("9000") and odd[0] == 0x53
    assert odd[2:-2] == files["DG2"][offset:offset + odd[1]]


def test_chip_loads_an_lds_image_and_takes_bac_keys_from_dg1():
    chip = VirtualChip.from_lds_dir(LOES)
    mrz = decode_dg1((LOES / "ef0101.bin").read_bytes())
    sm = _authenticated(chip, bac_key_seed_info(parse_mrz(mrz)))
    assert _send(chip, sm, H("00A4020C020101")) == H("9000")
    assert _send(chip, sm, H("00B0000008"))[:-2] == (LOES / "ef0101.bin").read_bytes()[:8]


# --- vpcd socket protocol, against a stand-in for pcscd's vpcd driver ---------------------------


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(2, "big") + payload


def _read_frame(conn: socket.socket) -> bytes:
    size = int.from_bytes(conn.recv(2), "big")
    data = b""
    while len(data) < size:
        data += conn.recv(size - len(data))
    return data


def test_serve_vpcd_speaks_the_framed_socket_protocol():
    # Given a listening socket standing in for vpcd, and the chip served to it
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    chip = VirtualChip(_files(), mrz_lines=MRZ)
    stop = threading.Event()
    thread = threading.Thread(target=serve_vpcd, args=(chip, "127.0.0.1", server.getsockname()[1]),
                              kwargs={"stop": stop}, daemon=True)
    thread.start()
    conn, _ = server.accept()
    try:
        # when vpcd powers the card on, asks for its ATR and sends APDUs
        conn.sendall(_frame(b"\x01") + _frame(b"\x04"))
        assert _read_frame(conn) == chip.atr
        conn.sendall(_frame(b"\x00\xA4\x04\x0C\x07" + EMRTD_AID))
        assert _read_frame(conn) == H("9000")
        conn.sendall(_frame(H("0084000008")))
        assert len(_read_frame(conn)) == 10
    finally:
        stop.set()
        conn.close()
        server.close()
        thread.join(2)
    assert not thread.is_alive()


def test_serve_vpcd_without_pcscd_says_so():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    with pytest.raises(ReaderError, match="pcscd"):
        serve_vpcd(VirtualChip(_files(), mrz_lines=MRZ), "127.0.0.1", free_port, connect_attempts=1)
