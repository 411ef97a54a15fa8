"""The reader opens a chip with PACE when EF.CardAccess offers it and with BAC otherwise; the virtual
chip can be PACE-only, BAC-only or both; a PACE-only chip read over pcscd and vpcd."""

import time

import pytest

from mrtd.cardaccess import PACE_ECDH_GM_AES_256, PACEInfo
from mrtd.chip import VirtualChip, start_vpcd_thread
from mrtd.errors import BACError, PACEAuthenticationError, ReaderError
from mrtd.reader import read_chip
from mrtd.tests.conftest import TEST_PORT
from mrtd.tests.test_reader import MRZ, _Downgrading, passport, pki  # noqa: F401 (fixtures)

WRONG = [MRZ[0], MRZ[1][:13] + "9001022" + MRZ[1][20:]]  # a consistent MRZ of someone else
DH_GM_ONLY = (PACEInfo("0.4.0.127.0.7.2.2.4.1.2", 2, 0),)  # well-formed, but DH: not ours


@pytest.mark.parametrize("access, opened", [("pace", "PACE"), ("both", "PACE"), ("bac", "BAC")])
def test_reader_uses_pace_when_the_chip_offers_it(passport, pki, access, opened):
    chip = VirtualChip(passport, access=access)
    result = read_chip(mrz_lines=MRZ, transport=chip, csca_certs=[pki.csca_cert_der])
    assert result.access.split()[0] == opened
    assert result.fallback is None
    assert result.files == passport
    assert result.pa.valid, result.pa.to_dict()


def test_strongest_offered_configuration_is_used(passport):
    infos = (PACEInfo("0.4.0.127.0.7.2.2.4.2.1", 2, 12), PACEInfo(PACE_ECDH_GM_AES_256, 2, 18))
    result = read_chip(mrz_lines=MRZ, transport=VirtualChip(passport, access="pace", pace_infos=infos), run_pa=False)
    assert result.access == f"PACE {PACE_ECDH_GM_AES_256} 18"
    assert result.files == passport


def test_integrated_mapping_chip_is_read_and_generic_mapping_preferred_when_both_offered(passport):
    im = PACEInfo("0.4.0.127.0.7.2.2.4.4.2", 2, 13)
    result = read_chip(mrz_lines=MRZ, transport=VirtualChip(passport, access="pace", pace_infos=(im,)), run_pa=False)
    assert (result.access, result.files) == (f"PACE {im.protocol} 13", passport)
    both = (im, PACEInfo("0.4.0.127.0.7.2.2.4.2.2", 2, 13))
    result = read_chip(mrz_lines=MRZ, transport=VirtualChip(passport, access="pace", pace_infos=both), run_pa=False)
    assert result.access == "PACE 0.4.0.127.0.7.2.2.4.2.2 13"


def test_unsupported_pace_falls_back_to_bac_and_says_why(passport):
    chip = VirtualChip(passport, access="both", pace_infos=DH_GM_ONLY)
    result = read_chip(mrz_lines=MRZ, transport=chip, run_pa=False)
    assert result.access == "BAC"
    assert "PACE" in result.fallback
    assert result.files == passport


def test_card_access_is_found_by_select_when_the_short_identifier_is_not_known(passport):
    class _LongFormOnly:
        def __init__(self, chip):
            self.chip = chip

        def transmit(self, apdu):
            return bytes.fromhex("6A86") if apdu[:3] == bytes.fromhex("00B09C") else self.chip.transmit(apdu)

    result = read_chip(mrz_lines=MRZ, transport=_LongFormOnly(VirtualChip(passport, access="pace")), run_pa=False)
    assert result.access.startswith("PACE ")


class _RefusesMSE:
    """A chip whose EF.CardAccess promises more than its MSE:Set AT accepts."""

    def __init__(self, chip):
        self.chip = chip

    def transmit(self, apdu):
        return bytes.fromhex("6A80") if apdu[1] == 0x22 else self.chip.transmit(apdu)


def test_a_chip_refusing_our_pace_step_is_read_with_bac_and_the_reason_kept(passport):
    result = read_chip(mrz_lines=MRZ, transport=_RefusesMSE(VirtualChip(passport, access="both")), run_pa=False)
    assert (result.access, result.files) == ("BAC", passport)
    assert "6A80" in result.fallback and result.to_dict()["fallback"] == result.fallback


def test_pace_only_chip_that_refuses_our_pace_names_both_failures(passport):
    with pytest.raises(BACError, match="PACE-only.*MSE:Set AT.*6A80"):
        read_chip(mrz_lines=MRZ, transport=_RefusesMSE(VirtualChip(passport, access="pace")), run_pa=False)


def test_pace_only_chip_refuses_bac_with_a_clear_error(passport):
    with pytest.raises(BACError, match="PACE"):
        read_chip(mrz_lines=MRZ, transport=VirtualChip(passport, access="pace"), prefer_pace=False)


def test_wrong_mrz_on_a_pace_chip_is_a_clear_error(passport):
    with pytest.raises(PACEAuthenticationError, match="MRZ"):
        read_chip(mrz_lines=WRONG, transport=VirtualChip(passport, access="both"))


@pytest.mark.parametrize("status", ["9000", "6A82"])
@pytest.mark.parametrize("at", [7, 8])
def test_a_reply_without_its_mac_inside_a_pace_session_stops_the_read(passport, status, at):
    # READ EF.CardAccess, MSE:Set AT, 4 x GENERAL AUTHENTICATE, then SELECT eMRTD (7th) and
    # SELECT EF.COM (8th), both protected: that reply comes plain from someone in between
    transport = _Downgrading(VirtualChip(passport, access="pace"), at=at, status=bytes.fromhex(status))
    with pytest.raises(ReaderError, match="sin mensajería segura"):
        read_chip(mrz_lines=MRZ, transport=transport)


@pytest.mark.pcsc
def test_pace_only_chip_round_trip_through_pcscd_and_vpcd(pcsc_reader, passport, pki):
    # Given a PACE-only chip (EF.CardAccess, BAC refused) served as a card in the vpcd reader
    thread, stop = start_vpcd_thread(VirtualChip(passport, access="pace"), port=TEST_PORT)
    try:
        time.sleep(0.5)  # pcscd polls the reader before it reports the card
        # when it is read with pyscard
        result = read_chip(mrz_lines=MRZ, reader_name=pcsc_reader, csca_certs=[pki.csca_cert_der])
    finally:
        stop.set()
        thread.join(3)
    # then PACE opened it, EF.COM, DG1 and EF.SOD arrived intact and passive authentication passes
    assert result.access.startswith("PACE ")
    for name in ("EF_COM", "DG1", "EF_SOD"):
        assert result.files[name] == passport[name]
    assert result.chip_mrz == MRZ
    assert result.pa.valid, result.pa.to_dict()
