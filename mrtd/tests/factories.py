"""Builders of certificates and keys as real issuers write them, for the mrtd tests."""

from asn1crypto import algos, cms, core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from mrtd.curves import CURVES
from mrtd.lds import EF_SOD_TAG, LDS_SECURITY_OBJECT_OID, encode_lds_security_object, hash_bytes
from mrtd.tlv import encode_tlv

MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]
CRYPTO_CURVES = {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1,
                 "brainpoolP256r1": ec.BrainpoolP256R1, "brainpoolP384r1": ec.BrainpoolP384R1,
                 "brainpoolP512r1": ec.BrainpoolP512R1}


def point_of(public_key: ec.EllipticCurvePublicKey, *, compressed: bool = False) -> bytes:
    fmt = serialization.PublicFormat.CompressedPoint if compressed else serialization.PublicFormat.UncompressedPoint
    return public_key.public_bytes(serialization.Encoding.X962, fmt)


def explicit_spki(curve_name: str, point: bytes, *, base: bytes | None = None, **changes: int) -> asn1_keys.PublicKeyInfo:
    """A SubjectPublicKeyInfo with the curve written out as explicit SpecifiedECDomain parameters."""
    curve = CURVES[curve_name]
    values = {"p": curve.p, "a": curve.a, "b": curve.b, "n": curve.n, "h": curve.h, **changes}
    size = curve.size
    if base is None:
        base = b"\x04" + curve.gx.to_bytes(size, "big") + curve.gy.to_bytes(size, "big")
    domain = asn1_keys.SpecifiedECDomain({
        "version": "ecdpVer1",
        "field_id": {"field_type": "prime_field", "parameters": core.Integer(values["p"])},
        "curve": {"a": values["a"].to_bytes(size, "big"), "b": values["b"].to_bytes(size, "big"),
                  "seed": core.OctetBitString(b"\x01" * 20)},
        "base": base,
        "order": values["n"],
        "cofactor": values["h"],
    })
    return asn1_keys.PublicKeyInfo({
        "algorithm": {"algorithm": "ec", "parameters": asn1_keys.ECDomainParameters(name="specified", value=domain)},
        "public_key": point,
    })


def resigned(cert: asn1_x509.Certificate, signer: ec.EllipticCurvePrivateKey, *, null_params: bool,
            spki: asn1_keys.PublicKeyInfo | None = None) -> bytes:
    """The certificate re-signed by ``signer`` (ecdsa-with-SHA256), optionally with another key
    and with NULL parameters in its AlgorithmIdentifiers, as some issuers write them."""
    algorithm = algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa",
                                             "parameters": core.Null() if null_params else core.Void()})
    tbs = cert["tbs_certificate"]
    tbs["signature"] = algorithm
    if spki is not None:
        tbs["subject_public_key_info"] = spki
    tbs_der = tbs.dump(force=True)
    signature = signer.sign(tbs_der, ec.ECDSA(hashes.SHA256()))
    return asn1_x509.Certificate({"tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
                                  "signature_algorithm": algorithm, "signature_value": signature}).dump()


def signed_sod(ds_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, ds_cert_der: bytes, dg_files: dict[int, bytes], *,
               econtent_type: str = LDS_SECURITY_OBJECT_OID, content_type_attribute: str | None = None,
               signature_algorithm: algos.SignedDigestAlgorithm | None = None) -> bytes:
    """An EF.SOD (SHA-256) signed by ``ds_key`` with the given eContentType (also in the
    contentType attribute) and the SignerInfo's signature AlgorithmIdentifier as given, byte for
    byte; the signature itself is PKCS#1 v1.5 or ECDSA by the key's type."""
    cert = asn1_x509.Certificate.load(ds_cert_der)
    econtent = encode_lds_security_object(dg_files)
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [content_type_attribute or econtent_type]},
        {"type": "message_digest", "values": [hash_bytes("sha256", econtent)]},
    ])
    if isinstance(ds_key, rsa.RSAPrivateKey):
        signature = ds_key.sign(attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
        default = "sha256_rsa"
    else:
        signature = ds_key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256()))
        default = "sha256_ecdsa"
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}},
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": attrs,
        "signature_algorithm": signature_algorithm or algos.SignedDigestAlgorithm({"algorithm": default}),
        "signature": signature,
    })
    signed = cms.SignedData({
        "version": "v3", "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": econtent_type, "content": core.ParsableOctetString(econtent)},
        "certificates": [cert], "signer_infos": [signer_info],
    })
    return encode_tlv(EF_SOD_TAG, cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())
