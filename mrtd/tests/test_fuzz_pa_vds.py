"""Hostile inputs to passive_authentication and verify_seal: malformed RSASSA-PSS parameters,
off-curve keys, damaged real SODs with explicit curves, truncated DER and wrong argument types.
Only mrtd.errors may escape (passive authentication: none for a bad document, only a report)."""

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mrtd.errors import MRTDError, VDSError
from mrtd.lds import LDS_SECURITY_OBJECT_OID, encode_dg1, encode_lds_security_object, encode_sod, hash_bytes
from mrtd.pa import passive_authentication
from mrtd.pki import init_test_pki
from mrtd.tests.factories import MRZ, point_of, resigned, signed_sod
from mrtd.vds import sign_seal, verify_seal
from core.testdata import TESTDATA

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
DATA = Path(__file__).parent / "data"
DG1 = encode_dg1(MRZ)
PSS_OID = "1.2.840.113549.1.1.10"


@pytest.fixture(scope="module")
def rsa_pki(tmp_path_factory):
    return init_test_pki(tmp_path_factory.mktemp("pki"), ds_algorithm="rsa")


@pytest.fixture(scope="module")
def ec_pki(tmp_path_factory):
    return init_test_pki(tmp_path_factory.mktemp("pki"), ds_algorithm="ec")


def _der(tag: int, value: bytes) -> bytes:
    n = len(value)
    length = bytes((n,)) if n < 0x80 else (b"\x81" + bytes((n,)) if n < 0x100 else b"\x82" + n.to_bytes(2, "big"))
    return bytes((tag,)) + length + value


def _sod_with_signature_algorithm(pki, algorithm_der: bytes, ds_cert_der: bytes | None = None) -> bytes:
    """An EF.SOD over DG1, signed PKCS#1 by the DS, whose SignerInfo names ``algorithm_der``
    (kept byte for byte, however malformed)."""
    return signed_sod(pki.ds_private_key, ds_cert_der or pki.ds_cert_der, {1: DG1},
                      signature_algorithm=algos.SignedDigestAlgorithm.load(algorithm_der))


def _report(pki, sod: bytes):
    try:
        return passive_authentication(sod=sod, data_groups={1: DG1}, csca_certs=[pki.csca_cert_der], printed_mrz=MRZ)
    except MRTDError as exc:  # allowed, but a bad document should give a report
        pytest.fail(f"a bad document raised instead of reporting: {exc!r}")


_hash_oids = st.sampled_from(["1.3.14.3.2.26", "2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.3", "1.2.3.4",
                              "2.16.840.1.101.3.4.2.10"])


@st.composite
def _pss_parameters(draw) -> bytes:
    """DER of RSASSA-PSS-params, each field possibly absurd, or plain garbage."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=60))
    fields = b""
    if draw(st.booleans()):
        fields += _der(0xA0, _der(0x30, _der(0x06, core.ObjectIdentifier(draw(_hash_oids)).contents)))
    if draw(st.booleans()):
        mgf = draw(st.sampled_from(["1.2.840.113549.1.1.8", "1.2.840.113549.1.1.9", "1.2.3"]))
        inner = draw(st.one_of(st.just(_der(0x30, _der(0x06, core.ObjectIdentifier(draw(_hash_oids)).contents))),
                               st.binary(max_size=8)))
        fields += _der(0xA1, _der(0x30, _der(0x06, core.ObjectIdentifier(mgf).contents) + inner))
    if draw(st.booleans()):
        salt = draw(st.one_of(st.integers(-300, 600), st.integers(2 ** 31, 2 ** 70)))
        fields += _der(0xA2, core.Integer(salt).dump())
    if draw(st.booleans()):
        fields += _der(0xA3, core.Integer(draw(st.integers(-2, 5))).dump())
    return _der(0x30, fields)


@FUZZ
@given(params=_pss_parameters())
def test_malformed_pss_parameters_give_a_report_never_an_exception(rsa_pki, params):
    algorithm = _der(0x30, _der(0x06, core.ObjectIdentifier(PSS_OID).contents) + params)
    try:
        sod = _sod_with_signature_algorithm(rsa_pki, algorithm)
    except ValueError:
        assume(False)  # bytes that are not even one TLV cannot be put into a SignerInfo
    report = _report(rsa_pki, sod)
    # a PKCS#1 v1.5 signature never verifies as PSS, whatever the parameters say
    assert report.check("signature").passed is not True
    assert not report.valid


def test_a_sod_with_good_pss_parameters_verifies(rsa_pki):
    # The same builder with well-formed PSS parameters and a real PSS signature passes: the
    # property above is not trivially true.
    params = algos.RSASSAPSSParams({"hash_algorithm": {"algorithm": "sha256"},
                                    "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": "sha256"}},
                                    "salt_length": 32})
    algorithm = algos.SignedDigestAlgorithm({"algorithm": "rsassa_pss", "parameters": params}).dump()
    sod = bytearray(_sod_with_signature_algorithm(rsa_pki, algorithm))
    econtent = encode_lds_security_object({1: DG1})
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [LDS_SECURITY_OBJECT_OID]},
        {"type": "message_digest", "values": [hash_bytes("sha256", econtent)]},
    ])
    pss = rsa_pki.ds_private_key.sign(attrs.dump(), padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    sod = bytes(sod[:-len(pss)]) + pss  # the signature is the SOD's last field, same length
    report = _report(rsa_pki, sod)
    assert report.check("signature").passed is True, report.to_dict()


@FUZZ
@given(position=st.integers(0, 64), value=st.integers(1, 255))
def test_an_off_curve_ds_key_is_refused_in_the_report(ec_pki, position, value):
    # Given the DS certificate with a damaged public point, re-signed by the CSCA
    cert = asn1_x509.Certificate.load(ec_pki.ds_cert_der)
    point = bytearray(point_of(ec_pki.ds_private_key.public_key()))
    point[1 + position % 64] ^= value
    spki = cert["tbs_certificate"]["subject_public_key_info"]
    spki["public_key"] = bytes(point)
    damaged = resigned(cert, ec_pki.csca_private_key, null_params=False, spki=spki)
    sod = encode_sod({1: DG1}, ec_pki.ds_private_key, damaged)
    report = _report(ec_pki, sod)
    assert report.check("ds_certificate").passed is False
    assert "not on secp256r1" in report.check("ds_certificate").reason
    assert not report.valid


REAL_SODS = {"aut": DATA / "aut/EF_SOD.bin", "fin": DATA / "fin/EF_SOD.bin", "chn": DATA / "chn/EF_SOD.bin",
             "bsi2008": TESTDATA / "emrtd/bsi2008/EF_SOD.bin"}
DE_ML = (TESTDATA / "emrtd/masterlists/DE_ML_2026-05-28-08-28-45.ml").read_bytes()


@pytest.mark.parametrize("name", sorted(REAL_SODS))
@FUZZ
@given(data=st.data())
def test_damaged_real_sods_with_explicit_curves_give_a_report(name, data):
    sod = bytearray(REAL_SODS[name].read_bytes())
    for _ in range(data.draw(st.integers(1, 3))):
        position = data.draw(st.integers(0, len(sod) - 1))
        sod[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        sod = sod[:data.draw(st.integers(0, len(sod)))]
    report = passive_authentication(sod=bytes(sod), data_groups={}, master_list=DE_ML,
                                    now=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert report.check("sod").passed in (True, False)


_junk = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.binary(max_size=5), st.floats(allow_nan=False),
                  st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@pytest.fixture(scope="module")
def ec_sod(ec_pki):
    return encode_sod({1: DG1}, ec_pki.ds_private_key, ec_pki.ds_cert_der)


@FUZZ
@given(which=st.sampled_from(["sod", "data_groups", "csca_certs", "master_list", "crls", "printed_mrz", "now"]),
       junk=_junk)
def test_wrong_argument_types_raise_only_typed_errors(ec_pki, ec_sod, which, junk):
    arguments = dict(sod=ec_sod, data_groups={1: DG1}, csca_certs=[ec_pki.csca_cert_der],
                     crls=[ec_pki.crl_der], printed_mrz=MRZ)
    arguments[which] = junk
    try:
        passive_authentication(**arguments)
    except MRTDError:
        pass


# ---------------------------------------------------------------- visible digital seals


def _seal_parts(pki) -> dict:
    return json.loads(sign_seal({"n": "QUISPE"}, ds_key=pki.ds_private_key, ds_cert_der=pki.ds_cert_der, doc_type="TAM"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _verify_only_typed(text, **kwargs):
    try:
        return verify_seal(text, **kwargs)
    except VDSError:
        return None


def test_a_seal_signed_by_an_off_curve_certificate_is_a_typed_error(ec_pki):
    # Before: cryptography's ValueError escaped verify_seal
    seal = _seal_parts(ec_pki)
    cert = asn1_x509.Certificate.load(ec_pki.ds_cert_der)
    point = bytearray(point_of(ec_pki.ds_private_key.public_key()))
    point[-1] ^= 1
    spki = cert["tbs_certificate"]["subject_public_key_info"]
    spki["public_key"] = bytes(point)
    seal["sig"]["cer"] = _b64(resigned(cert, ec_pki.csca_private_key, null_params=False, spki=spki))
    with pytest.raises(VDSError, match="not on secp256r1"):
        verify_seal(json.dumps(seal), csca_certs=[ec_pki.csca_cert_der])


@FUZZ
@given(data=st.data())
def test_damaged_signer_certificates_give_typed_errors_or_an_invalid_seal(ec_pki, data):
    seal = _seal_parts(ec_pki)
    cert = bytearray(ec_pki.ds_cert_der)
    for _ in range(data.draw(st.integers(0, 3))):
        position = data.draw(st.integers(0, len(cert) - 1))
        cert[position] = data.draw(st.integers(0, 255))
    cert = cert[:data.draw(st.integers(0, len(cert)))]
    seal["sig"]["cer"] = _b64(bytes(cert))
    result = _verify_only_typed(json.dumps(seal), csca_certs=[ec_pki.csca_cert_der])
    if result is not None and bytes(cert) != ec_pki.ds_cert_der:
        assert result.valid is False


@FUZZ
@given(field=st.sampled_from(["alg", "cer", "sigvl"]), junk=_junk)
def test_wrong_types_inside_the_seal_give_typed_errors(ec_pki, field, junk):
    seal = _seal_parts(ec_pki)
    seal["sig"][field] = junk
    try:
        text = json.dumps(seal)
    except (TypeError, ValueError):
        return
    result = _verify_only_typed(text, csca_certs=[ec_pki.csca_cert_der])
    assert result is None or result.valid is False


@FUZZ
@given(which=st.sampled_from(["text", "csca_certs", "now"]), junk=_junk)
def test_wrong_argument_types_to_verify_seal_give_typed_errors(ec_pki, which, junk):
    arguments = dict(text=json.dumps(_seal_parts(ec_pki)), csca_certs=[ec_pki.csca_cert_der], now=None)
    arguments[which] = junk
    _verify_only_typed(arguments.pop("text"), **arguments)


def test_a_naive_now_is_taken_as_utc(ec_pki):
    result = verify_seal(json.dumps(_seal_parts(ec_pki)), csca_certs=[ec_pki.csca_cert_der],
                         now=datetime.now(timezone.utc).replace(tzinfo=None))
    assert result.valid
