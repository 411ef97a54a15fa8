"""Visible digital seals: signed JSON for the QR of the TAM, certificates and the carné."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from mrtd.errors import VDSError
from mrtd.pki import init_test_pki, make_csca
from mrtd.vds import seal_qr_png, sign_seal, verify_seal

PAYLOAD = {"nombre": "QUISPE MAMANI ROSA ELENA", "documento": "1234567897", "ingreso": "2026-01-15", "dias": 183}


@pytest.fixture(scope="module", params=["ec", "rsa"])
def pki(request, tmp_path_factory):
    return init_test_pki(tmp_path_factory.mktemp("pki"), ds_algorithm=request.param)


def _seal(pki, payload=PAYLOAD):
    return sign_seal(payload, ds_key=pki.ds_private_key, ds_cert_der=pki.ds_cert_der, doc_type="TAM")


def test_a_signed_seal_verifies_offline_against_the_csca(pki):
    result = verify_seal(_seal(pki), csca_certs=[pki.csca_cert_der])
    assert result.valid, result.reason
    assert (result.payload, result.doc_type, result.issuing_country) == (PAYLOAD, "TAM", "PER")


def test_the_seal_is_icao_non_constrained_json(pki):
    seal = json.loads(_seal(pki))
    assert set(seal) == {"data", "sig"}
    assert set(seal["sig"]) == {"alg", "cer", "sigvl"}
    assert seal["sig"]["alg"] in ("ES256", "RS256")
    assert seal["data"]["msg"] == PAYLOAD


def test_a_changed_payload_is_not_valid(pki):
    seal = json.loads(_seal(pki))
    seal["data"]["msg"]["dias"] = 365
    result = verify_seal(json.dumps(seal), csca_certs=[pki.csca_cert_der])
    assert not result.valid
    assert "firma" in result.reason


def test_a_seal_from_another_csca_is_not_valid(pki):
    other, _ = make_csca()
    result = verify_seal(_seal(pki), csca_certs=[other])
    assert not result.valid
    assert "CSCA" in result.reason


def test_a_seal_checked_after_the_signer_expired_is_not_valid(pki):
    later = datetime.now(timezone.utc) + timedelta(days=20 * 365)
    assert not verify_seal(_seal(pki), csca_certs=[pki.csca_cert_der], now=later).valid


@pytest.mark.parametrize("text, field", [
    ("not json", "seal"), ("[]", "seal"), ('{"data": {}}', "'data' and 'sig'"),
    ('{"data": {"hdr": {}, "msg": {}}, "sig": {"alg": "ES256", "cer": 5}}', "sig.cer"),
])
def test_malformed_seals_raise_a_typed_error_naming_the_field(text, field):
    with pytest.raises(VDSError, match=field):
        verify_seal(text, csca_certs=[])


def test_decimal_numbers_are_refused_when_signing(pki):
    with pytest.raises(VDSError, match="payload"):
        _seal(pki, {"monto": 120.90})


def test_the_qr_png_grows_with_the_seal(pki):
    small = seal_qr_png("x")
    large = seal_qr_png(_seal(pki))
    assert small.startswith(b"\x89PNG\r\n\x1a\n") and large.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(large[16:20], "big")
    assert width > int.from_bytes(small[16:20], "big")
