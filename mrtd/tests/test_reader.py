"""Reading a chip given its MRZ: in process against the virtual chip, and over PC/SC through pcscd and vpcd."""

import os
import socket
import threading
import time

import pytest

from mrtd.chip import VirtualChip, start_vpcd_thread
from mrtd.errors import BACError, ReaderError
from mrtd.lds import decode_dg1, decode_dg2, encode_dg1, encode_ef_com, read_lds_dir
from mrtd.mrz import generate_td3
from mrtd.personalize import personalize
from mrtd.pki import init_test_pki
from mrtd.reader import PcscTransport, read_chip
from mrtd.tests.conftest import TEST_PORT
from mrtd.tlv import encode_tlv
from core.testdata import TESTDATA

LOES = TESTDATA / "emrtd/loes2006"
FACE = TESTDATA / "faces/ICAO_39794_5_AP_Face.jpg"
MRZ = generate_td3(issuing_state="PER", primary_identifier="QUISPE MAMANI", secondary_identifier="ROSA ELENA",
                   document_number="123456789", nationality="PER", birth_date="900101", sex="F",
                   expiry_date="300101")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return init_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def passport(pki) -> dict[str, bytes]:
    return personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki)


class _Flaky:
    """A transport whose card misbehaves after `after` APDUs (pulled out, reset or silent)."""

    def __init__(self, chip: VirtualChip, after: int, how: str):
        self.chip, self.after, self.how, self.count = chip, after, how, 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        if self.count > self.after:
            if self.how == "raise":
                raise OSError("card removed")
            if self.how == "silent":
                return b""
            self.chip.reset()  # pulled out and put back: the chip forgets the BAC session
        return self.chip.transmit(apdu)


def test_in_process_read_gets_every_listed_file_and_passes_pa(passport, pki):
    # Given a personalized passport in the virtual chip
    chip = VirtualChip(passport)
    progress: list[tuple[int, int]] = []
    # when it is read with the printed MRZ
    result = read_chip(mrz_lines=MRZ, transport=chip, csca_certs=[pki.csca_cert_der],
                       progress=lambda done, total: progress.append((done, total)))
    # then every file arrives intact, progress reaches the total and PA passes
    assert result.files == passport
    assert result.chip_mrz == MRZ
    assert result.pa.valid, result.pa.to_dict()
    assert decode_dg2(result.files["DG2"])[0].image_bytes == FACE.read_bytes()
    total = sum(len(v) for v in passport.values())
    assert progress[-1] == (total, total)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_real_dutch_chip_files_read_back_identical_and_hashes_match():
    files = read_lds_dir(LOES)
    mrz = decode_dg1(files["DG1"])
    result = read_chip(mrz_lines=mrz, transport=VirtualChip(files))
    assert result.files == {k: files[k] for k in ("EF_COM", "DG1", "DG2", "DG15", "EF_SOD")}
    assert result.pa.check("dg_hashes").passed is True


def test_wrong_mrz_is_a_clear_bac_error(passport):
    wrong = [MRZ[0], MRZ[1][:13] + "9001022" + MRZ[1][20:]]  # a consistent MRZ of someone else
    with pytest.raises(BACError, match="MRZ"):
        read_chip(mrz_lines=wrong, transport=VirtualChip(passport))


def test_files_beyond_32_kib_are_read_whole():
    files = {"EF_COM": encode_ef_com(["DG1", "DG2"]), "DG1": encode_dg1(MRZ), "DG2": encode_tlv(0x75, os.urandom(50000))}
    result = read_chip(mrz_lines=MRZ, transport=VirtualChip(files), run_pa=False)
    assert result.files["DG2"] == files["DG2"]


class _Downgrading:
    """A man in the middle that answers the `at`-th APDU itself with a bare status word."""

    def __init__(self, chip: VirtualChip, at: int, status: bytes):
        self.chip, self.at, self.status, self.count = chip, at, status, 0

    def transmit(self, apdu: bytes) -> bytes:
        self.count += 1
        response = self.chip.transmit(apdu)
        return self.status if self.count == self.at else response


@pytest.mark.parametrize("status", ["9000", "6A82"])
def test_a_reply_without_its_mac_inside_the_secure_session_stops_the_read(passport, status):
    # Given a reader whose 6th APDU (a SELECT after BAC) is answered plain, without secure
    # messaging, by someone between the reader and the chip
    transport = _Downgrading(VirtualChip(passport), at=6, status=bytes.fromhex(status))
    # When the chip is read, then the unprotected reply is refused and the read fails, typed
    with pytest.raises(ReaderError, match="sin mensajería segura"):
        read_chip(mrz_lines=MRZ, transport=transport)


@pytest.mark.parametrize("how", ["raise", "silent", "reset"])
def test_removed_or_silent_card_mid_read_is_a_reader_error(passport, how):
    transport = _Flaky(VirtualChip(passport), after=12, how=how)
    with pytest.raises(ReaderError):
        read_chip(mrz_lines=MRZ, transport=transport)


# --- over PC/SC ----------------------------------------------------------------------------------


@pytest.mark.pcsc
def test_round_trip_through_pcscd_and_vpcd(pcsc_reader, passport, pki, tmp_path):
    # Given the personalized LDS served as a card in the vpcd reader
    thread, stop = start_vpcd_thread(VirtualChip(passport), port=TEST_PORT)
    try:
        time.sleep(0.5)  # pcscd polls the reader before it reports the card
        # when the reader reads it with pyscard
        result = read_chip(mrz_lines=MRZ, reader_name=pcsc_reader, csca_certs=[pki.csca_cert_der])
    finally:
        stop.set()
        thread.join(3)
    # then passive authentication passes and the face is the one enrolled
    assert result.pa.valid, result.pa.to_dict()
    assert decode_dg2(result.files["DG2"])[0].image_bytes == FACE.read_bytes()
    assert result.files == passport


@pytest.mark.pcsc
def test_empty_reader_is_a_reader_error(pcsc_reader):
    time.sleep(0.3)
    with pytest.raises(ReaderError, match="tarjeta"):
        read_chip(mrz_lines=MRZ, reader_name=pcsc_reader)


@pytest.mark.pcsc
def test_unknown_reader_is_a_reader_error(pcsc_reader):
    with pytest.raises(ReaderError, match="lector no encontrado"):
        read_chip(mrz_lines=MRZ, reader_name="Lector inexistente 99")


def _silent_card(port: int, stop: threading.Event) -> None:
    """A card that answers vpcd's power and ATR requests but never an APDU."""
    atr = VirtualChip({"DG1": encode_dg1(MRZ)}).atr
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                header = sock.recv(2)
            except socket.timeout:
                continue
            if len(header) < 2:
                return
            payload = sock.recv(int.from_bytes(header, "big"))
            if payload == b"\x04":
                sock.sendall(len(atr).to_bytes(2, "big") + atr)


@pytest.mark.pcsc
def test_silent_card_times_out_with_a_reader_error(pcsc_reader):
    stop = threading.Event()
    thread = threading.Thread(target=_silent_card, args=(TEST_PORT, stop), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        transport = PcscTransport(pcsc_reader, timeout_s=1.0)
        with pytest.raises(ReaderError, match="no responde"):
            read_chip(mrz_lines=MRZ, transport=transport)
        transport.close()
    finally:
        stop.set()
        thread.join(3)
