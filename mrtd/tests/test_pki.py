"""Test PKI (CSCA, DS, CRL) and CSCA master lists."""

import stat

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from mrtd.errors import PKIError
from mrtd.pki import certificates_from_file, init_test_pki, load_pki, parse_master_list
from core.testdata import TESTDATA

MASTERLISTS = TESTDATA / "emrtd/masterlists"


def test_init_test_pki_writes_a_peruvian_csca_and_document_signer(tmp_path):
    # When a test PKI is created
    pki = init_test_pki(tmp_path / "pki")
    # Then the five PEM files are there and the keys are private to their owner
    names = sorted(p.name for p in (tmp_path / "pki").iterdir())
    assert names == ["crl.pem", "csca.key.pem", "csca.pem", "ds.key.pem", "ds.pem"]
    assert stat.S_IMODE((tmp_path / "pki/ds.key.pem").stat().st_mode) == 0o600
    csca = x509.load_der_x509_certificate(pki.csca_cert_der)
    ds = x509.load_der_x509_certificate(pki.ds_cert_der)
    # and the CSCA is a Peruvian CA that issued the DS, which is ECDSA P-256
    assert csca.subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)[0].value == "PE"
    assert csca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    ds.verify_directly_issued_by(csca)
    assert isinstance(ds.public_key(), ec.EllipticCurvePublicKey)
    assert ds.public_key().curve.name == "secp256r1"
    assert x509.load_der_x509_crl(pki.crl_der).is_signature_valid(csca.public_key())


def test_load_pki_reads_back_what_init_wrote(tmp_path):
    made = init_test_pki(tmp_path, csca_algorithm="rsa", ds_algorithm="rsa")
    loaded = load_pki(tmp_path)
    assert (loaded.csca_cert_der, loaded.ds_cert_der, loaded.crl_der) == (made.csca_cert_der, made.ds_cert_der, made.crl_der)
    assert isinstance(loaded.ds_private_key, rsa.RSAPrivateKey)
    assert loaded.ds_private_key.private_numbers() == made.ds_private_key.private_numbers()


def test_load_pki_names_the_missing_file(tmp_path):
    with pytest.raises(PKIError, match="csca"):
        load_pki(tmp_path)


def test_init_refuses_a_country_that_is_not_alpha2(tmp_path):
    with pytest.raises(PKIError, match="country"):
        init_test_pki(tmp_path, country="PER")


@pytest.mark.parametrize("name, count", [("DE_ML_2026-05-28-08-28-45.ml", 588), ("NL_ML_2026-07-22.ml", 411)])
def test_master_lists_hold_the_csca_certificates(name, count):
    certs = parse_master_list((MASTERLISTS / name).read_bytes())
    assert len(certs) == count
    countries = {asn1_x509.Certificate.load(der).subject.native.get("country_name") for der in certs}
    assert {"DE", "NL", "NZ", "PE"} <= countries


def test_the_dutch_root_csca_is_in_the_dutch_master_list():
    root = certificates_from_file((MASTERLISTS / "NL_ROOT_CA.cer").read_bytes())
    assert root[0] in parse_master_list((MASTERLISTS / "NL_ML_2026-07-22.ml").read_bytes())


def test_a_certificate_is_not_a_master_list():
    with pytest.raises(PKIError, match="master_list"):
        parse_master_list((MASTERLISTS / "NL_ROOT_CA.cer").read_bytes())
