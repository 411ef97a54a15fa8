"""Passive authentication: real test passports and passports personalized under our test PKI."""

from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509

from mrtd.lds import dg_number, encode_dg1, read_lds_dir
from mrtd.pa import passive_authentication
from mrtd.personalize import personalize
from mrtd.pki import certificates_from_file, init_test_pki, issue_crl, make_csca
from core.testdata import TESTDATA

EMRTD = TESTDATA / "emrtd"
NL_ML = (EMRTD / "masterlists/NL_ML_2026-07-22.ml").read_bytes()
DE_ML = (EMRTD / "masterlists/DE_ML_2026-05-28-08-28-45.ml").read_bytes()
MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]


def _results(report):
    return {check.name: check.passed for check in report.checks}


def _groups(files):
    return {dg_number(name): data for name, data in files.items() if name.startswith("DG")}


@pytest.fixture(scope="module", params=["ec", "rsa"])
def issued(request, tmp_path_factory):
    """A Peruvian passport personalized under a fresh test PKI (DS ECDSA P-256 or RSA)."""
    pki = init_test_pki(tmp_path_factory.mktemp("pki"), ds_algorithm=request.param)
    files = personalize(
        mrz_lines=MRZ,
        face_image=(TESTDATA / "faces/obama.jpg").read_bytes(),
        finger_images=[(2, (TESTDATA / "fingerprints/jmrtd_fp.wsq").read_bytes())],
        pki=pki,
    )
    return pki, files


def _authenticate(issued, **overrides):
    pki, files = issued
    arguments = dict(sod=files["EF_SOD"], data_groups=_groups(files), csca_certs=[pki.csca_cert_der],
                     crls=[pki.crl_der], printed_mrz=MRZ)
    arguments.update(overrides)
    return passive_authentication(**arguments)


def test_a_genuine_passport_passes_every_check(issued):
    report = _authenticate(issued)
    assert report.valid
    assert all(check.passed is True for check in report.checks), report.to_dict()
    assert [c["name"] for c in report.to_dict()["checks"]] == [
        "sod", "ds_certificate", "csca_chain", "validity", "revocation", "signature",
        "dg_hashes", "dg_listed", "mrz", "country"]


def test_a_changed_data_group_fails_naming_the_group(issued):
    _, files = issued
    groups = _groups(files)
    groups[2] = groups[2][:-1] + bytes([groups[2][-1] ^ 0x01])  # one bit of the face image
    report = _authenticate(issued, data_groups=groups)
    assert not report.valid
    assert report.check("dg_hashes").passed is False
    assert "DG2" in report.check("dg_hashes").reason and "DG1" not in report.check("dg_hashes").reason


def test_a_data_group_missing_from_the_sod_is_refused(issued):
    _, files = issued
    groups = {**_groups(files), 11: b"\x6b\x03\x5f\x0e\x00"}
    report = _authenticate(issued, data_groups=groups)
    assert not report.valid
    assert report.check("dg_listed").passed is False
    assert "DG11" in report.check("dg_listed").reason


def test_a_printed_mrz_unlike_the_chip_fails(issued):
    other = [MRZ[0], MRZ[1].replace("9001012F", "9001023F")]
    report = _authenticate(issued, printed_mrz=other)
    assert (report.valid, report.check("mrz").passed) == (False, False)


def test_a_chip_mrz_of_another_country_fails_the_country_check(issued):
    pki, files = issued
    chilean = [MRZ[0].replace("PER", "CHL"), MRZ[1].replace("PER", "CHL")]
    groups = {**_groups(files), 1: encode_dg1(chilean)}
    report = _authenticate(issued, data_groups=groups, printed_mrz=None)
    assert report.check("country").passed is False
    assert "CHL" in report.check("country").reason


def test_an_untrusted_csca_fails_the_chain(issued):
    other_csca, _ = make_csca(country="PE")
    report = _authenticate(issued, csca_certs=[other_csca])
    assert (report.valid, report.check("csca_chain").passed) == (False, False)


def test_no_trust_anchor_means_not_valid(issued):
    report = _authenticate(issued, csca_certs=[])
    assert not report.valid
    assert report.check("csca_chain").passed is False


def test_a_revoked_document_signer_fails(issued):
    pki, _ = issued
    serial = x509.load_der_x509_certificate(pki.ds_cert_der).serial_number
    crl = issue_crl(csca_cert_der=pki.csca_cert_der, csca_key=pki.csca_private_key, revoked_serials=[serial])
    report = _authenticate(issued, crls=[crl])
    assert (report.valid, report.check("revocation").passed) == (False, False)
    assert str(serial) in report.check("revocation").reason


def test_a_pem_crl_as_written_by_pki_init_is_used(issued):
    pki, _ = issued
    pem = (pki.directory / "crl.pem").read_bytes()
    report = _authenticate(issued, crls=[pem])
    assert report.check("revocation").passed is True


def test_without_crl_revocation_is_not_performed_but_the_document_is_valid(issued):
    report = _authenticate(issued, crls=[])
    assert report.check("revocation").passed is None
    assert report.valid


def test_after_the_ds_certificate_expires_validity_fails(issued):
    report = _authenticate(issued, now=datetime.now(timezone.utc) + timedelta(days=12 * 365))
    assert (report.valid, report.check("validity").passed) == (False, False)


def test_a_tampered_sod_signature_fails(issued):
    _, files = issued
    sod = bytearray(files["EF_SOD"])
    sod[-5] ^= 0xFF  # inside the signature value, the last field of the SOD
    report = _authenticate(issued, sod=bytes(sod))
    assert report.check("signature").passed is False
    assert not report.valid


def test_an_unreadable_sod_is_reported_not_raised():
    report = passive_authentication(sod=b"\x77\x03\x30\x01\x00", data_groups={})
    assert not report.valid
    assert report.check("sod").passed is False
    assert all(check.passed is None for check in report.checks[1:])


# ---- the real test documents: what each one actually gives (found empirically)


def test_dutch_2006_signature_and_hashes_verify_but_its_test_csca_is_in_no_master_list():
    files = read_lds_dir(EMRTD / "loes2006")
    nl_root = certificates_from_file((EMRTD / "masterlists/NL_ROOT_CA.cer").read_bytes())
    report = passive_authentication(sod=files["EF_SOD"], data_groups=_groups(files), master_list=NL_ML,
                                    csca_certs=nl_root, now=datetime(2008, 1, 1, tzinfo=timezone.utc))
    # No trusted CSCA verified the DS, so its validity is the DS's alone: "not performed" for the
    # chain, never judged against a CSCA that merely shares the issuer's name.
    assert _results(report) == {
        "sod": True, "ds_certificate": True, "csca_chain": False, "validity": None, "revocation": None,
        "signature": True, "dg_hashes": True, "dg_listed": True, "mrz": None, "country": True}
    # The DS was issued by the manufacturer's "CSCA Test", not by the Dutch production CSCA.
    assert "CSCA Test" in report.check("csca_chain").reason
    assert not report.valid


def test_dutch_2006_today_its_ds_certificate_has_expired():
    files = read_lds_dir(EMRTD / "loes2006")
    report = passive_authentication(sod=files["EF_SOD"], data_groups=_groups(files), master_list=NL_ML)
    assert report.check("validity").passed is False
    assert "2011-10-04" in report.check("validity").reason


def test_new_zealand_2013_signature_verifies_but_its_2011_csca_left_the_master_lists():
    sod = (EMRTD / "nz2013/NZ2013_EF_SOD.BIN").read_bytes()
    for master_list in (NL_ML, DE_ML):
        report = passive_authentication(sod=sod, data_groups={}, master_list=master_list,
                                        now=datetime(2013, 1, 1, tzinfo=timezone.utc))
        assert _results(report) == {
            "sod": True, "ds_certificate": True, "csca_chain": False, "validity": None, "revocation": None,
            "signature": True, "dg_hashes": None, "dg_listed": None, "mrz": None, "country": None}
        # The lists hold a later New Zealand CSCA with the same name and another key.
        assert "3fd984c33905f9d63a7259c0accc210c951b381b" in report.check("csca_chain").reason


def test_german_bsi_2008_verifies_its_explicit_curve_signature_but_not_its_test_csca():
    files = read_lds_dir(EMRTD / "bsi2008")
    groups = {n: data for n, data in _groups(files).items() if n in (1, 2, 3, 14)}
    report = passive_authentication(sod=files["EF_SOD"], data_groups=groups, master_list=DE_ML,
                                    printed_mrz=["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
                                                 "C11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6"],
                                    now=datetime(2008, 6, 1, tzinfo=timezone.utc))
    assert _results(report) == {
        "sod": True, "ds_certificate": True, "csca_chain": False, "validity": None, "revocation": None,
        "signature": True, "dg_hashes": True, "dg_listed": True, "mrz": True, "country": True}
    assert "explícitos" in report.check("ds_certificate").reason
    assert not report.valid


def test_german_bsi_2008_refuses_its_dg4_and_dg15_that_the_sod_does_not_list():
    files = read_lds_dir(EMRTD / "bsi2008")
    report = passive_authentication(sod=files["EF_SOD"], data_groups=_groups(files), master_list=DE_ML)
    assert report.check("dg_listed").passed is False
    assert "DG4, DG15" in report.check("dg_listed").reason


def test_cached_certificate_checks_still_tell_a_forged_csca_and_crl_apart(issued):
    # Given a genuine passport authenticated once (its DS, CSCA and CRL checks are now cached)
    pki, _ = issued
    assert _authenticate(issued).valid
    # When a forger's CSCA with the same subject name is the only anchor, or signs the CRL
    forged_csca, forged_key = make_csca(country="PE")
    assert x509.load_der_x509_certificate(forged_csca).subject == \
        x509.load_der_x509_certificate(pki.csca_cert_der).subject
    forged_crl = issue_crl(csca_cert_der=forged_csca, csca_key=forged_key)
    # Then the chain fails with the forged anchor, the forged CRL is refused, and the genuine
    # anchor still authenticates the passport afterwards
    assert _authenticate(issued, csca_certs=[forged_csca]).check("csca_chain").passed is False
    revocation = _authenticate(issued, crls=[forged_crl]).check("revocation")
    assert (revocation.passed, "firma de la CRL" in revocation.reason) == (False, True)
    assert _authenticate(issued).valid


def test_the_revocation_check_names_the_crl_and_the_csca_that_signed_it(issued):
    # Given a genuine passport and its CSCA's CRL (number 1)
    pki, _ = issued
    report = _authenticate(issued)
    reason = report.check("revocation").reason
    # Then the check says which CRL it read and which CSCA key verified that CRL
    ski = asn1_x509.Certificate.load(pki.csca_cert_der).key_identifier.hex()
    assert report.check("revocation").passed is True
    assert "n.º 1" in reason and ski in reason


def test_a_crl_is_not_trusted_when_no_csca_verified_the_ds(issued):
    # Given only a forger's CSCA of the same name and a CRL it signed that lists nothing
    forged_csca, forged_key = make_csca(country="PE")
    forged_crl = issue_crl(csca_cert_der=forged_csca, csca_key=forged_key)
    report = _authenticate(issued, csca_certs=[forged_csca], crls=[forged_crl])
    # Then the chain fails and the CRL is not used to say "not revoked"
    assert report.check("csca_chain").passed is False
    assert report.check("revocation").passed is None
    assert "sin un CSCA que verifique el DS" in report.check("revocation").reason
