"""ICAO Visible Digital Seal, non-constrained form (VDS-NC): signed JSON in a QR code, checked offline."""

from __future__ import annotations

import base64
import binascii
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import segno
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from mrtd import keys
from mrtd.errors import PKIError, VDSError

SEAL_VERSION = 1
# JWS algorithm names, as VDS-NC uses them; ECDSA signatures are raw r||s like in JWS.
_EC_ALG = {"secp256r1": ("ES256", hashes.SHA256, 32), "secp384r1": ("ES384", hashes.SHA384, 48),
           "secp521r1": ("ES512", hashes.SHA512, 66)}
_EC_BY_NAME = {alg: (hash_cls, size) for alg, hash_cls, size in _EC_ALG.values()}
_CURVE_OF_ALG = {alg: curve for curve, (alg, _, _) in _EC_ALG.items()}
# Errors malformed certificates raise from asn1crypto; they become VDSError or an invalid seal.
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError)


@dataclass(frozen=True)
class SealVerification:
    """Outcome of checking a seal: ``payload`` is the signed message, even when not ``valid``."""

    valid: bool
    payload: dict[str, Any] | None
    reason: str
    doc_type: str | None = None
    issuing_country: str | None = None
    signer: str | None = None
    header: dict[str, Any] = field(default_factory=dict)


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise VDSError(f"sig.{what}: not a base64url string")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise VDSError(f"sig.{what}: not base64url ({exc})") from exc


def canonical_json(value: Any) -> bytes:
    """Canonical JSON (sorted keys, no spaces, UTF-8), the bytes that are signed.

    Close to RFC 8785 for the strings, integers, booleans and nulls seals carry; floats are refused
    because their textual form is where canonicalisers disagree.
    """
    def refuse_floats(item: Any) -> None:
        if isinstance(item, float):
            raise VDSError("payload: decimal numbers are not allowed in a seal; write them as text")
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise VDSError(f"payload: key {key!r} is not text")
                refuse_floats(inner)
        elif isinstance(item, list):
            for inner in item:
                refuse_floats(inner)

    refuse_floats(value)
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise VDSError(f"payload: not JSON-serialisable ({exc})") from exc


def _sign(key: object, data: bytes) -> tuple[str, bytes]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.name not in _EC_ALG:
            raise VDSError(f"ds_key: curve {key.curve.name} is not supported")
        alg, hash_cls, size = _EC_ALG[key.curve.name]
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hash_cls())))
        return alg, r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256", key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise VDSError(f"ds_key: {type(key).__name__} is not an EC or RSA private key")


def sign_seal(payload: dict[str, Any], *, ds_key: object, ds_cert_der: bytes, doc_type: str,
              issuing_country: str = "PER") -> str:
    """JSON text of a signed seal for ``payload``, to print as a QR code."""
    if not isinstance(payload, dict):
        raise VDSError("payload: must be a JSON object")
    if not doc_type:
        raise VDSError("doc_type: required")
    try:
        x509.load_der_x509_certificate(ds_cert_der)
    except (ValueError, TypeError) as exc:
        raise VDSError(f"ds_cert_der: not a DER certificate ({exc})") from exc
    data = {"hdr": {"t": doc_type, "v": SEAL_VERSION, "is": issuing_country}, "msg": payload}
    alg, signature = _sign(ds_key, canonical_json(data))
    seal = {"data": data, "sig": {"alg": alg, "cer": _b64e(ds_cert_der), "sigvl": _b64e(signature)}}
    return json.dumps(seal, ensure_ascii=False, separators=(",", ":"))


def _parse(text: str | bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(data, sig) of a seal; VDSError naming the field when the structure is wrong."""
    try:
        seal = json.loads(text)
    except (ValueError, TypeError, RecursionError) as exc:
        raise VDSError(f"seal: not JSON ({exc.__class__.__name__})") from exc
    if not isinstance(seal, dict):
        raise VDSError("seal: not a JSON object")
    data, sig = seal.get("data"), seal.get("sig")
    if not isinstance(data, dict) or not isinstance(sig, dict):
        raise VDSError("seal: 'data' and 'sig' objects are required")
    if not isinstance(data.get("hdr"), dict) or not isinstance(data.get("msg"), dict):
        raise VDSError("data: 'hdr' and 'msg' objects are required")
    if not isinstance(sig.get("alg"), str):
        raise VDSError("sig.alg: required")
    return data, sig


def _verify(key: keys.PublicKey, alg: str, signature: bytes, data: bytes) -> None:
    """Raise InvalidSignature when the seal's signature does not verify."""
    if alg in _EC_BY_NAME and isinstance(key, ec.EllipticCurvePublicKey):
        hash_cls, size = _EC_BY_NAME[alg]
        if len(signature) != 2 * size or key.curve.name != _CURVE_OF_ALG[alg]:
            raise InvalidSignature()
        der = encode_dss_signature(int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big"))
        key.verify(der, data, ec.ECDSA(hash_cls()))
    elif alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise VDSError(f"sig.alg: {alg} does not match the signer's {keys.key_description(key)} key")


def _trusted_issuer(cert: asn1_x509.Certificate, csca_certs: list[bytes]) -> bytes | None:
    """The first trusted CSCA whose key verifies the signer's certificate (read from its parts,
    so CSCAs with explicit curve parameters or NULL ECDSA parameters work as in passive
    authentication)."""
    for der in csca_certs:
        if not isinstance(der, bytes | bytearray):
            continue
        try:
            issuer = asn1_x509.Certificate.load(bytes(der))
            if issuer.subject.hashable != cert.issuer.hashable:
                continue
            keys.verify_certificate(cert, keys.certificate_key(bytes(der)))
        except (*_ASN1_ERRORS, InvalidSignature, PKIError):
            continue
        return bytes(der)
    return None


def _signer_certificate(sig: dict[str, Any]) -> tuple[asn1_x509.Certificate, keys.PublicKey, str]:
    """(certificate, public key, subject) of the seal's signer; VDSError when it cannot be used."""
    der = _b64d(sig.get("cer"), "cer")
    try:
        cert = asn1_x509.Certificate.load(der, strict=True)
        cert.native  # noqa: B018 - full parse, so a corrupt certificate fails here, typed
        subject = cert.subject.human_friendly
    except _ASN1_ERRORS as exc:
        raise VDSError(f"sig.cer: not a certificate ({exc.__class__.__name__})") from exc
    try:
        key = keys.certificate_key(der)
    except PKIError as exc:
        raise VDSError(f"sig.cer: key not usable ({exc})") from exc
    return cert, key, subject


def verify_seal(text: str | bytes, *, csca_certs: list[bytes], now: datetime | None = None) -> SealVerification:
    """Check a seal offline: signature by the enclosed DS certificate, issued by a trusted CSCA
    and valid now. Malformed text (or arguments of the wrong type) raises VDSError; a forged or
    untrusted seal is not ``valid``. Nothing but VDSError escapes."""
    if not isinstance(text, str | bytes | bytearray):
        raise VDSError(f"seal: text expected, not {type(text).__name__}")
    if now is not None and not isinstance(now, datetime):
        raise VDSError(f"now: a datetime expected, not {type(now).__name__}")
    try:
        anchors = list(csca_certs)
    except TypeError:
        raise VDSError("csca_certs: a list of certificates expected") from None
    data, sig = _parse(text)
    cert, key, subject = _signer_certificate(sig)
    signature = _b64d(sig.get("sigvl"), "sigvl")
    header = data["hdr"]
    found = dict(
        payload=data["msg"], doc_type=header.get("t"), issuing_country=header.get("is"),
        signer=subject, header=header,
    )
    try:
        _verify(key, sig["alg"], signature, canonical_json(data))
    except InvalidSignature:
        return SealVerification(False, reason="firma inválida: el sello fue alterado o no es auténtico", **found)
    except (ValueError, TypeError) as exc:
        raise VDSError(f"sig: cannot be checked ({exc.__class__.__name__})") from exc
    if _trusted_issuer(cert, anchors) is None:
        return SealVerification(False, reason="el firmante no fue emitido por un CSCA de confianza", **found)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    try:
        validity = cert["tbs_certificate"]["validity"]
        start, end = validity["not_before"].native, validity["not_after"].native
    except _ASN1_ERRORS as exc:
        raise VDSError(f"sig.cer: unreadable validity ({exc.__class__.__name__})") from exc
    if not start <= now <= end:
        return SealVerification(False, reason="el certificado del firmante no está vigente", **found)
    return SealVerification(True, reason="sello auténtico", **found)


def seal_qr_png(text: str, *, scale: int = 4) -> bytes:
    """PNG of a QR code holding the seal text (error correction M, as printed documents use)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()

