"""Chip Authentication and Active Authentication on the virtual chip and through the reader: the
genuine chip passes both, a clone (same data groups and SOD, no or other private keys) fails both
with a typed result, malformed DG14 and CA commands give typed errors, and a PACE-only chip with
AA and CA is read over pcscd."""

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from mrtd import ca
from mrtd.chip import ChipImage, start_vpcd_thread
from mrtd.errors import CAError, MRTDError, ReaderError, SecurityInfosError
from mrtd.lds import decode_ef_com
from mrtd.pa import passive_authentication
from mrtd.personalize import personalize_chip
from mrtd.reader import read_chip
from mrtd.tests.conftest import TEST_PORT
from mrtd.tests.test_reader import FACE, MRZ, pki  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def image(pki) -> ChipImage:
    return personalize_chip(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki, access="pace")


def _other_key():
    return ec.generate_private_key(ec.SECP256R1())


def test_peruvian_chip_image_has_pace_aa_and_ca_signed_into_the_sod(image, pki):
    dg14 = ca.decode_dg14(image.files["DG14"])
    assert [i.protocol for i in dg14.ca_infos] == [ca.CA_ECDH_AES_128]
    assert dg14.ca_public_keys[0].protocol == ca.ID_PK_ECDH
    assert dg14.aa_info.signature_algorithm == "0.4.0.127.0.7.1.1.4.1.3"
    assert "0.4.0.127.0.7.2.2.4.2.2" in dg14.others  # the PACEInfo, as Part 11 asks of DG14
    assert {"DG14", "DG15"} <= set(decode_ef_com(image.files["EF_COM"]).dg_names) | {
        f"DG{n}" for n in decode_ef_com(image.files["EF_COM"]).dg_names}
    report = passive_authentication(sod=image.files["EF_SOD"], csca_certs=[pki.csca_cert_der],
                                    data_groups={int(k[2:]): v for k, v in image.files.items() if k.startswith("DG")})
    assert report.valid, report.to_dict()
    # the private keys are in the image entries only, never in the LDS files
    entries = image.entries()
    assert set(entries) - set(image.files) >= {"AA_PRIVATE_KEY", "CA_PRIVATE_KEY"}
    back = ChipImage.from_entries(entries)
    assert back.files == image.files and back.access == "pace" and back.pace_infos == image.pace_infos
    assert back.ca_key.private_numbers() == image.ca_key.private_numbers()


@pytest.mark.parametrize("access", ["pace", "bac"])
def test_genuine_chip_passes_ca_and_aa_and_reads_on_under_the_new_keys(image, pki, access):
    challenge = bytes.fromhex("1122334455667788")
    result = read_chip(mrz_lines=MRZ, transport=image.chip(access=access), csca_certs=[pki.csca_cert_der],
                       aa_challenge=challenge)
    assert result.ca.to_dict() == {"performed": True, "verified": True, "protocol": ca.CA_ECDH_AES_128,
                                   "reason": None, "sw": None}
    assert result.aa.verified and result.aa.algorithm == "ECDSA sha256"
    assert result.aa_challenge == challenge
    assert result.files == image.files and result.pa.valid
    assert result.to_dict()["chip_authentication"]["verified"] is True


@pytest.mark.parametrize("keys, ca_reason", [({}, "6A88"), ({"aa_key": _other_key(), "ca_key": _other_key()},
                                                            "private key")])
def test_clone_fails_aa_and_ca_but_its_data_still_pass_pa(image, pki, keys, ca_reason):
    # Given the same data groups and SOD in a new chip, without the private keys or with others
    result = read_chip(mrz_lines=MRZ, transport=image.clone(**keys), csca_certs=[pki.csca_cert_der])
    # then passive authentication passes (the data are genuine) but the chip is not
    assert result.pa.valid and result.files == image.files
    assert result.ca.performed and not result.ca.verified and ca_reason in result.ca.reason
    assert not result.aa.verified
    if keys:
        assert result.aa.error is None and "verify" in result.aa.reason
    else:
        assert result.aa.error == "AAError" and result.aa.sw == 0x6A88


@pytest.mark.parametrize("protocol", [ca.CA_ECDH_3DES, ca.CA_ECDH_AES_128, ca.CA_ECDH_AES_256])
def test_each_cipher_runs_between_terminal_and_chip(pki, protocol):
    key = _other_key()
    dg14 = ca.decode_dg14(ca.encode_dg14(ca_public_key=key.public_key(), ca_protocol=protocol))
    choice = ca.choose(dg14)
    terminal, chip = ca.CATerminal(choice), ca.CAChip(key, dg14)
    commands = terminal.commands()
    if protocol == ca.CA_ECDH_3DES:
        assert commands[0][:4] == bytes.fromhex("002241A6")  # MSE:Set KAT
        chip_sm = chip.mse(0x41, 0xA6, commands[0][5:])
    else:
        assert commands[0][:4] == bytes.fromhex("002241A4") and commands[1][:4] == bytes.fromhex("00860000")
        assert chip.mse(0x41, 0xA4, commands[0][5:]) is None
        reply, chip_sm = chip.general_authenticate(commands[1][5:-1])
        assert reply == b"\x7c\x00"
    mine = terminal.secure_messaging()
    assert (mine.ks_enc, mine.ks_mac, mine.ssc, mine.cipher) == (chip_sm.ks_enc, chip_sm.ks_mac, 0, chip_sm.cipher)


def test_dg14_with_only_a_public_key_means_3des_and_a_bad_dh_key_is_refused_by_name():
    key = _other_key()
    only_key = ca.decode_dg14(ca.encode_dg14(ca_public_key=key.public_key()))
    stripped = ca.DG14((), only_key.ca_public_keys, None)
    assert ca.choose(stripped).protocol == ca.CA_ECDH_3DES
    dh = ca.DG14((), (ca.ChipAuthenticationPublicKeyInfo(ca.ID_PK_DH, b"\x30\x00"),), None)
    with pytest.raises(CAError, match="DH key malformed"):
        ca.choose(dh)
    assert ca.choose(ca.DG14((), (), None)) is None


@pytest.mark.parametrize("data, match", [(b"\x61\x00", "DG14"), (b"\x6e\x02\x30\x00", "SecurityInfos"),
                                         (b"\x6e\x00", "DG14")])
def test_malformed_dg14_names_the_structure(data, match):
    with pytest.raises(SecurityInfosError, match=match):
        ca.decode_dg14(data)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_dg14_decodes_or_gives_an_mrtd_error(data):
    try:
        dg14 = ca.decode_dg14(b"\x6e" + bytes((len(data),)) + data if len(data) < 128 else data)
        ca.choose(dg14)
    except MRTDError:
        pass


@settings(max_examples=200, deadline=None)
@given(p2=st.sampled_from([0xA6, 0xA4, 0x00]), data=st.binary(max_size=80), ga=st.binary(max_size=80))
def test_any_ca_command_to_the_chip_is_answered_or_refused_with_a_status_word(p2, data, ga):
    key = _other_key()
    chip = ca.CAChip(key, ca.decode_dg14(ca.encode_dg14(ca_public_key=key.public_key(), ca_protocol=ca.CA_ECDH_3DES)))
    try:
        chip.mse(0x41, p2, data)
        chip.general_authenticate(ga)
    except CAError as exc:
        assert exc.sw in (0x6A80, 0x6A88, 0x6982, 0x6985)


def test_chip_without_a_ca_key_refuses_with_6a88():
    key = _other_key()
    dg14 = ca.decode_dg14(ca.encode_dg14(ca_public_key=key.public_key(), ca_protocol=ca.CA_ECDH_3DES))
    terminal = ca.CATerminal(ca.choose(dg14))
    with pytest.raises(CAError) as caught:
        ca.CAChip(None, dg14).mse(0x41, 0xA6, terminal.commands()[0][5:])
    assert caught.value.sw == 0x6A88


def _read_served(chip, reader, pki):
    """Serve `chip` in the vpcd reader and read it, waiting (up to 5 s) for pcscd to report the card."""
    thread, stop = start_vpcd_thread(chip, port=TEST_PORT)
    try:
        deadline = time.monotonic() + 5
        while True:
            time.sleep(0.5)  # pcscd polls the reader before it reports the card
            try:
                return read_chip(mrz_lines=MRZ, reader_name=reader, csca_certs=[pki.csca_cert_der])
            except ReaderError as exc:
                if "no card" not in str(exc) or time.monotonic() > deadline:
                    raise
    finally:
        stop.set()
        thread.join(3)


@pytest.mark.pcsc
def test_pace_only_chip_with_aa_and_ca_round_trip_through_pcscd(pcsc_reader, image, pki):
    # Given a PACE-only chip with AA and CA keys served as a card in the vpcd reader
    result = _read_served(image.chip(), pcsc_reader, pki)
    # then PACE opened it, CA switched the keys, AA verified and every file arrived
    assert result.access.startswith("PACE ")
    assert result.ca.verified and result.aa.verified
    assert result.files == image.files and result.pa.valid


@pytest.mark.pcsc
def test_clone_round_trip_through_pcscd_fails_aa_and_ca(pcsc_reader, image, pki):
    result = _read_served(image.clone(), pcsc_reader, pki)
    assert result.pa.valid and not result.ca.verified and not result.aa.verified


def test_real_bsi_2008_dg14_offers_3des_ca_on_brainpool_p224_and_the_terminal_runs_it():
    from core.testdata import TESTDATA
    from mrtd.curves import CURVES
    dg14 = ca.decode_dg14((TESTDATA / "emrtd/bsi2008/Datagroup14.bin").read_bytes())
    assert [i.protocol for i in dg14.ca_infos] == [ca.CA_ECDH_3DES]
    assert dg14.others == ("0.4.0.127.0.7.2.2.2",)  # Terminal Authentication, not ours
    choice = ca.choose(dg14)  # the key has explicit domain parameters: those of brainpoolP224r1
    assert (choice.curve.name, choice.cipher, choice.uses_kat) == ("brainpoolP224r1", "3DES", True)
    terminal = ca.CATerminal(choice)
    kat = terminal.commands()[0]
    assert kat[:4] == bytes.fromhex("002241A6") and kat[5:7] == bytes((0x91, 57))
    assert CURVES["brainpoolP224r1"].decode_point(kat[7:]) is not None  # our ephemeral key is on the curve
    assert terminal.secure_messaging().cipher == "3DES"


# A DH group for the tests: the Mersenne prime 2^521 - 1 with generator 3 (PKCS#3 form, no q).
DH_GROUP = ca.DHGroup(2 ** 521 - 1, 3)


@pytest.mark.parametrize("protocol", [ca.CA_DH_3DES, ca.CA_DH_AES_128])
def test_dh_chip_authentication_through_the_reader_and_a_dh_clone_fails(pki, protocol):
    import secrets
    from mrtd.chip import VirtualChip
    from mrtd.personalize import personalize
    key = ca.DHPrivateKey(DH_GROUP, secrets.randbelow(DH_GROUP.p - 3) + 2)
    dg14 = ca.encode_dg14(ca_public_key=key.public_key(), ca_protocol=protocol)
    parsed = ca.decode_dg14(dg14)
    assert parsed.ca_public_keys[0].protocol == ca.ID_PK_DH
    assert ca.choose(parsed).curve == DH_GROUP
    files = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki, extra_groups={"DG14": dg14})
    genuine = read_chip(mrz_lines=MRZ, transport=VirtualChip(files, access="pace", ca_key=key),
                        csca_certs=[pki.csca_cert_der])
    assert genuine.ca.verified and genuine.ca.protocol == protocol and genuine.files == files
    other = ca.DHPrivateKey(DH_GROUP, secrets.randbelow(DH_GROUP.p - 3) + 2)
    clone = read_chip(mrz_lines=MRZ, transport=VirtualChip(files, access="pace", ca_key=other), run_pa=False)
    assert clone.ca.performed and not clone.ca.verified and clone.files == files


@settings(max_examples=200, deadline=None)
@given(spki=st.one_of(st.binary(max_size=120), st.builds(
    lambda y, tail: ca.DHPublicKey(DH_GROUP, y).spki_der()[:tail], st.integers(0, 2 ** 530), st.integers(0, 200))))
def test_any_dh_key_in_dg14_is_usable_or_a_ca_error(spki):
    try:
        ca.choose(ca.DG14((), (ca.ChipAuthenticationPublicKeyInfo(ca.ID_PK_DH, spki),), None))
    except CAError:
        pass


def test_authenticity_verdict_for_genuine_clone_and_a_chip_without_aa_or_ca(image, pki):
    genuine = read_chip(mrz_lines=MRZ, transport=image.chip(), run_pa=False).authenticity
    assert (genuine.verdict, genuine.aa_expected, genuine.ca_expected) == (True, True, True)
    clone = read_chip(mrz_lines=MRZ, transport=image.clone(), run_pa=False)
    assert clone.authenticity.verdict is False and len(clone.authenticity.reasons) == 2
    assert clone.to_dict()["chip_authentic"]["verdict"] is False
    from mrtd.personalize import personalize
    plain = personalize(mrz_lines=MRZ, face_image=FACE.read_bytes(), pki=pki)
    from mrtd.chip import VirtualChip
    assert read_chip(mrz_lines=MRZ, transport=VirtualChip(plain), run_pa=False).authenticity.verdict is None


def test_a_clone_hiding_dg14_and_dg15_from_ef_com_is_still_checked_against_the_sod(image):
    # EF.COM is not signed: a clone lists only DG1 and DG2 so that a reader would skip AA and CA
    from mrtd.lds import encode_ef_com
    files = {**image.files, "EF_COM": encode_ef_com(["DG1", "DG2"])}
    hidden = ChipImage(files, image.access, image.pace_infos)
    result = read_chip(mrz_lines=MRZ, transport=hidden.chip(), run_pa=False)
    assert {"DG14", "DG15"} <= set(result.files)  # read anyway, because EF.SOD hashes them
    assert result.authenticity.verdict is False and not result.aa.verified and not result.ca.verified
    # and one that drops the files altogether is missing what the SOD promises
    dropped = ChipImage({k: v for k, v in files.items() if k not in ("DG14", "DG15")}, image.access, image.pace_infos)
    verdict = read_chip(mrz_lines=MRZ, transport=dropped.chip(), run_pa=False).authenticity
    assert verdict.verdict is False and verdict.aa_expected and verdict.ca_expected
    assert any("DG14" in r for r in verdict.reasons)
