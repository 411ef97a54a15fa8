"""Keys and signatures as real passports carry them: explicit EC parameters, NULL algorithm
parameters, curves cryptography lacks. Built synthetically from the test PKI where no real
certificate of the kind was found (the real ones are in test_pa_countries.py)."""

import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import algos, core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from mrtd import keys
from mrtd.curves import CURVES
from mrtd.errors import PKIError, PKIUnsupported
from mrtd.lds import encode_dg1, encode_sod
from mrtd.pa import passive_authentication
from mrtd.pki import issue_ds, make_csca

from mrtd.tests.factories import CRYPTO_CURVES, MRZ, explicit_spki, point_of, resigned


@pytest.mark.parametrize("curve_name", sorted(CRYPTO_CURVES))
def test_explicit_parameters_equal_to_a_named_curve_load_as_that_curve(curve_name):
    key = ec.generate_private_key(CRYPTO_CURVES[curve_name]()).public_key()
    loaded = keys.load_public_key(explicit_spki(curve_name, point_of(key)))
    assert isinstance(loaded, ec.EllipticCurvePublicKey)
    assert loaded.public_numbers() == key.public_numbers()


def test_explicit_parameters_with_a_compressed_base_point_and_key_load_too():
    key = ec.generate_private_key(ec.BrainpoolP256R1()).public_key()
    curve = CURVES["brainpoolP256r1"]
    compressed_g = bytes((2 + (curve.gy & 1),)) + curve.gx.to_bytes(curve.size, "big")
    loaded = keys.load_public_key(explicit_spki("brainpoolP256r1", point_of(key, compressed=True), base=compressed_g))
    assert loaded.public_numbers() == key.public_numbers()


def _double_g(curve_name: str) -> bytes:
    curve = CURVES[curve_name]
    generator = ec.derive_private_key(2, CRYPTO_CURVES[curve_name]()).public_key()  # 2G
    assert generator.public_numbers().x != curve.gx
    return point_of(generator)


@pytest.mark.parametrize("change", ["generator", "order", "a", "b", "p", "cofactor"])
def test_explicit_parameters_that_differ_in_any_way_from_the_named_curve_are_refused(change):
    # Given a key whose explicit curve differs from P-256 in one parameter (a forger's own curve,
    # as in CVE-2020-0601, keeps the prime and the equation but picks another generator)
    curve = CURVES["secp256r1"]
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    arguments = {
        "generator": {"base": _double_g("secp256r1")}, "order": {"n": curve.n - 2}, "a": {"a": curve.a - 1},
        "b": {"b": curve.b ^ 1}, "p": {"p": curve.p - 2}, "cofactor": {"h": 4},
    }[change]
    # Then it is refused with a typed error, not mapped to the named curve
    with pytest.raises(PKIError, match="not those of any named curve"):
        keys.load_public_key(explicit_spki("secp256r1", point_of(key), **arguments))


def test_a_point_off_the_curve_is_refused_with_explicit_and_named_parameters():
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    bad = bytearray(point_of(key))
    bad[-1] ^= 1
    with pytest.raises(PKIError, match="not on secp256r1"):
        keys.load_public_key(explicit_spki("secp256r1", bytes(bad)))
    named = asn1_keys.PublicKeyInfo({"algorithm": {"algorithm": "ec", "parameters": asn1_keys.ECDomainParameters(
        name="named", value="secp256r1")}, "public_key": bytes(bad)})
    with pytest.raises(PKIError, match="not on secp256r1"):
        keys.load_public_key(named)


def test_a_curve_cryptography_lacks_is_verified_in_python():
    # brainpoolP224r1 (the BSI 2008 passport's DS): the pure-Python ECDSA path refuses a wrong
    # signature and a wrong message
    files_key = keys.certificate_key(_bsi_ds())
    assert isinstance(files_key, keys.PlainECPublicKey) and files_key.curve_name == "brainpoolP224r1"
    with pytest.raises(InvalidSignature):
        files_key.verify(b"\x30\x06\x02\x01\x01\x02\x01\x01", b"data", "sha1")
    with pytest.raises(InvalidSignature):
        files_key.verify(b"not DER", b"data", "sha1")


def _bsi_ds() -> bytes:
    from mrtd.lds import decode_sod
    from core.testdata import TESTDATA
    return decode_sod((TESTDATA / "emrtd/bsi2008/EF_SOD.bin").read_bytes()).ds_certificate_der


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize("curve_name", sorted(CURVES))
def test_the_curve_table_is_openssls(curve_name):
    # The parameters the mapping compares against are exactly OpenSSL's for the same curve.
    openssl_name = {"secp192r1": "prime192v1", "secp256r1": "prime256v1"}.get(curve_name, curve_name)
    der = subprocess.run(["openssl", "ecparam", "-name", openssl_name, "-param_enc", "explicit", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    domain = asn1_keys.SpecifiedECDomain.load(der)
    curve = CURVES[curve_name]
    assert domain["field_id"]["parameters"].native == curve.p
    assert int.from_bytes(domain["curve"]["a"].native, "big") == curve.a
    assert int.from_bytes(domain["curve"]["b"].native, "big") == curve.b
    assert curve.decode_point(domain["base"].native) == (curve.gx, curve.gy)
    assert (domain["order"].native, domain["cofactor"].native) == (curve.n, curve.h)
    named = subprocess.run(["openssl", "ecparam", "-name", openssl_name, "-outform", "DER"],
                           check=True, capture_output=True).stdout
    assert core.ObjectIdentifier.load(named).dotted == curve.oid


# ---------------------------------------------------------------- whole passports, synthetic


@pytest.mark.parametrize("curve_name", ["secp256r1", "brainpoolP256r1", "brainpoolP384r1"])
def test_a_passport_whose_ds_key_has_explicit_parameters_is_authenticated(curve_name):
    # Given a CSCA and a DS whose key is written with explicit curve parameters, its certificate
    # signed with NULL parameters in the ECDSA AlgorithmIdentifier (both as real issuers do)
    csca_der, csca_key = make_csca(country="PE")
    ds_der, _ = issue_ds(csca_cert_der=csca_der, csca_key=csca_key)
    ds_key = ec.generate_private_key(CRYPTO_CURVES[curve_name]())
    explicit = explicit_spki(curve_name, point_of(ds_key.public_key()))
    ds_explicit = resigned(asn1_x509.Certificate.load(ds_der), csca_key, null_params=True, spki=explicit)
    dg1 = encode_dg1(MRZ)
    sod = encode_sod({1: dg1}, ds_key, ds_explicit)
    # When the passport is authenticated
    report = passive_authentication(sod=sod, data_groups={1: dg1}, csca_certs=[csca_der], printed_mrz=MRZ)
    # Then every check passes, and the report says the curve was mapped
    assert report.valid, report.to_dict()
    assert f"EC {curve_name}" in report.check("ds_certificate").reason
    assert "explícitos" in report.check("ds_certificate").reason


def test_a_csca_self_signed_with_null_ecdsa_parameters_anchors_the_chain():
    # Given a CSCA whose own certificate says ecdsa-with-SHA256 with NULL parameters
    csca_der, csca_key = make_csca(country="PE")
    csca_null = resigned(asn1_x509.Certificate.load(csca_der), csca_key, null_params=True)
    ds_der, ds_key = issue_ds(csca_cert_der=csca_der, csca_key=csca_key)
    ds_null = resigned(asn1_x509.Certificate.load(ds_der), csca_key, null_params=True)
    dg1 = encode_dg1(MRZ)
    report = passive_authentication(sod=encode_sod({1: dg1}, ds_key, ds_null), data_groups={1: dg1},
                                    csca_certs=[csca_null])
    assert report.valid, report.to_dict()


def test_ecdsa_parameters_other_than_null_are_refused():
    csca_der, csca_key = make_csca(country="PE")
    cert = asn1_x509.Certificate.load(csca_der)
    algorithm = algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa", "parameters": core.Integer(5)})
    with pytest.raises(PKIError, match="takes no parameters"):
        keys.signature_algorithm(algorithm)
    assert keys.verify_certificate(cert, keys.certificate_key(csca_der)).hash_name == "sha256"


def test_an_unknown_signature_algorithm_is_unsupported_not_a_crash():
    algorithm = algos.SignedDigestAlgorithm({"algorithm": "1.2.3.4.5"})
    with pytest.raises(PKIUnsupported):
        keys.signature_algorithm(algorithm)


def test_report_validity_names_the_csca_that_verified_the_ds():
    csca_der, csca_key = make_csca(country="PE", now=datetime.now(timezone.utc) - timedelta(days=1))
    ds_der, ds_key = issue_ds(csca_cert_der=csca_der, csca_key=csca_key)
    dg1 = encode_dg1(MRZ)
    report = passive_authentication(sod=encode_sod({1: dg1}, ds_key, ds_der), data_groups={1: dg1},
                                    csca_certs=[csca_der])
    ski = asn1_x509.Certificate.load(csca_der).key_identifier.hex()
    assert ski in report.check("csca_chain").reason and ski in report.check("validity").reason
    assert report.csca_key_id == ski
