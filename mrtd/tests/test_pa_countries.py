"""Passive authentication of other countries' real SODs (public test vectors, see data/SOURCES.md)."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from mrtd.lds import read_lds_dir
from mrtd.pa import passive_authentication
from core.testdata import TESTDATA

DATA = Path(__file__).parent / "data"
DE_ML = (TESTDATA / "emrtd/masterlists/DE_ML_2026-05-28-08-28-45.ml").read_bytes()
MID_2024 = datetime(2024, 6, 1, tzinfo=timezone.utc)
BSI_MRZ = ["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<", "C11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6"]

# country folder: (extra CSCA file or None, the DS key, the hash, the issuing CSCA's key identifier)
COUNTRIES = {
    "aut": ("CSCA-AUSTRIA_2692c7e3.cer", "EC brainpoolP256r1", "sha256", "2692c7e398abfbe35192d3f26e9a317d1fed53bd"),
    "deu": (None, "EC brainpoolP384r1", "sha384", "a40a5fc380ae3e59af1b32d6136aefeec8ca35e8"),
    "fin": (None, "EC brainpoolP512r1", "sha512", "d69f6ca7f2e0ab2c5afaf19e697268364d31d393"),
    "gbr": (None, "EC secp256r1", "sha256", "db1d1657c76023089b0139e2613c082134b57ca1"),
    "rus": (None, "EC secp256r1", "sha1", "850c53f7160e5def64a5677cf7c1849205d2b29c"),
    "chn": ("CSCA-CHINA_6b6226e4.cer", "RSA 2048", "sha256", "6b6226e45394f8fafc75e9a787ddeae8cdb64f93"),
}


def _results(report):
    return {check.name: check.passed for check in report.checks}


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_a_real_sod_verifies_up_to_its_countrys_csca(country):
    # Given a country's real EF.SOD and the German master list (plus the CSCA gmrtd ships for it)
    extra, ds_key, hash_name, csca_key_id = COUNTRIES[country]
    anchors = [(DATA / country / extra).read_bytes()] if extra else []
    # When it is authenticated in 2024 (its DS and CSCA are within their validity then)
    report = passive_authentication(sod=(DATA / country / "EF_SOD.bin").read_bytes(), data_groups={},
                                    csca_certs=anchors, master_list=DE_ML, now=MID_2024)
    # Then the DS certificate, its chain to the CSCA, the dates and the SOD signature all pass
    assert _results(report) == {
        "sod": True, "ds_certificate": True, "csca_chain": True, "validity": True, "revocation": None,
        "signature": True, "dg_hashes": None, "dg_listed": None, "mrz": None, "country": True}, report.to_dict()
    # and each check says what it was checked against: the DS's key, the CSCA by subject and key id
    assert ds_key in report.check("ds_certificate").reason
    assert csca_key_id in report.check("csca_chain").reason
    assert csca_key_id in report.check("validity").reason
    assert hash_name in report.check("signature").reason


def test_china_s_id_data_econtent_type_is_accepted():
    report = passive_authentication(sod=(DATA / "chn/EF_SOD.bin").read_bytes(), data_groups={},
                                    csca_certs=[(DATA / "chn/CSCA-CHINA_6b6226e4.cer").read_bytes()], now=MID_2024)
    assert report.check("sod").passed is True
    assert report.check("signature").passed is True


def test_the_austrian_link_csca_with_null_ecdsa_parameters_verifies_from_its_parts():
    # The DS's issuer is a CSCA-AUSTRIA link certificate whose ecdsa-with-SHA384 carries NULL
    # parameters; with it as the only anchor (no master list) the chain still verifies.
    csca = (DATA / "aut/CSCA-AUSTRIA_2692c7e3.cer").read_bytes()
    report = passive_authentication(sod=(DATA / "aut/EF_SOD.bin").read_bytes(), data_groups={},
                                    csca_certs=[csca], now=MID_2024)
    assert report.check("csca_chain").passed is True
    assert "brainpoolP384r1" in report.check("csca_chain").reason


def test_german_bsi_2008_its_explicit_brainpool_p224_signature_now_verifies():
    # Given the BSI 2008 test passport: its DS key is brainpoolP224r1 with explicit parameters,
    # a curve the cryptography package does not implement
    files = read_lds_dir(TESTDATA / "emrtd/bsi2008")
    groups = {n: files[f"DG{n}"] for n in (1, 2, 3, 14)}
    report = passive_authentication(sod=files["EF_SOD"], data_groups=groups, master_list=DE_ML,
                                    printed_mrz=BSI_MRZ, now=datetime(2008, 6, 1, tzinfo=timezone.utc))
    # Then the DS certificate is used and the SOD's signature verifies with it
    assert report.check("ds_certificate").passed is True
    assert "brainpoolP224r1" in report.check("ds_certificate").reason
    assert report.check("signature").passed is True
    # but its test CSCA is in no master list, so the chain fails and the document is not valid
    assert report.check("csca_chain").passed is False
    assert not report.valid


def test_a_ds_that_no_trusted_csca_verifies_is_never_judged_against_a_namesake_csca():
    # Given the BSI 2008 DS, whose issuer name (C=DE, O=bund, OU=bsi, CN=csca-germany... ) is also
    # the name of unrelated production CSCAs in the German master list
    files = read_lds_dir(TESTDATA / "emrtd/bsi2008")
    report = passive_authentication(sod=files["EF_SOD"], data_groups={1: files["DG1"]}, master_list=DE_ML,
                                    now=datetime(2008, 6, 1, tzinfo=timezone.utc))
    # Then no CSCA is reported, validity covers the DS alone and says the CSCA was not judged,
    # and the country check does not use a namesake CSCA either
    assert report.csca_subject is None
    validity = report.check("validity")
    assert validity.passed is None
    assert "DS válido de 2008-01-28" in validity.reason and "CSCA no evaluado" in validity.reason
    assert "CSCA" not in report.check("country").reason.replace("sin CSCA", "")
    # and the chain check names what it tried: the issuer name and the DS's authority key id
    chain = report.check("csca_chain").reason
    assert "1507bfa72b2d261b0f951836b75d83cf8d19921b" in chain


@pytest.mark.parametrize("econtent_type", ["1.2.840.113549.1.7.1", "1.3.27.1.1.1"])
def test_id_data_and_the_older_icao_econtent_types_pass_with_a_matching_content_type(tmp_path, econtent_type):
    # Given a passport of our test PKI whose SOD says id-data (China) or the icao(27) arc
    # (Belgium, France) as eContentType and as its signed contentType attribute
    from mrtd.lds import encode_dg1
    from mrtd.pki import init_test_pki
    from mrtd.tests.factories import MRZ, signed_sod
    pki = init_test_pki(tmp_path)
    dg1 = encode_dg1(MRZ)
    sod = signed_sod(pki.ds_private_key, pki.ds_cert_der, {1: dg1}, econtent_type=econtent_type)
    # Then it is authenticated like any other
    report = passive_authentication(sod=sod, data_groups={1: dg1}, csca_certs=[pki.csca_cert_der], printed_mrz=MRZ)
    assert report.valid, report.to_dict()


def test_a_content_type_attribute_unlike_the_econtent_type_fails_the_signature(tmp_path):
    # Given an SOD whose eContentType is id-data but whose signed contentType attribute names the
    # LDS security object (CMS requires the two to be equal)
    from mrtd.lds import LDS_SECURITY_OBJECT_OID, encode_dg1
    from mrtd.pki import init_test_pki
    from mrtd.tests.factories import MRZ, signed_sod
    pki = init_test_pki(tmp_path)
    dg1 = encode_dg1(MRZ)
    sod = signed_sod(pki.ds_private_key, pki.ds_cert_der, {1: dg1}, econtent_type="1.2.840.113549.1.7.1",
                     content_type_attribute=LDS_SECURITY_OBJECT_OID)
    report = passive_authentication(sod=sod, data_groups={1: dg1}, csca_certs=[pki.csca_cert_der])
    # Then the signature check fails naming both types
    assert report.check("signature").passed is False
    assert "1.2.840.113549.1.7.1" in report.check("signature").reason
