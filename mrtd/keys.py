"""Public keys and signatures as real passports carry them, read from their parts.

Issuers' certificates go beyond what the cryptography package loads: Document Signer and CSCA
keys with explicit EC domain parameters (Austria, Germany, Finland, Russia, the United Kingdom),
ECDSA AlgorithmIdentifiers with NULL parameters (an Austrian CSCA), and curves cryptography does
not implement (brainpoolP224r1 on the German BSI 2008 test passport). So keys are built here from
the SubjectPublicKeyInfo, and signatures of SODs, certificates and CRLs are checked over the exact
signed bytes with the algorithm their AlgorithmIdentifier names. Every failure is a PKIError
(PKIUnsupported for what is well-formed but not implemented); a wrong signature is InvalidSignature.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import algos, core
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from mrtd.curves import BY_OID, CURVES, ecdsa_verify
from mrtd.errors import PKIError, PKIUnsupported

# Errors asn1crypto raises on malformed input.
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)
_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_PRIME_FIELD = "1.2.840.10045.1.1"
_RSA = "1.2.840.113549.1.1.1"
_RSA_PSS = "1.2.840.113549.1.1.10"
_HASH_OIDS = {
    "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.4": "sha224", "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
}
_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
           "sha384": hashes.SHA384, "sha512": hashes.SHA512}
# Signature AlgorithmIdentifiers by OID: (scheme, hash or None when the digest algorithm says it).
_SIGNATURE_OIDS = {
    _RSA: ("rsassa_pkcs1v15", None),
    "1.2.840.113549.1.1.5": ("rsassa_pkcs1v15", "sha1"),
    "1.2.840.113549.1.1.14": ("rsassa_pkcs1v15", "sha224"),
    "1.2.840.113549.1.1.11": ("rsassa_pkcs1v15", "sha256"),
    "1.2.840.113549.1.1.12": ("rsassa_pkcs1v15", "sha384"),
    "1.2.840.113549.1.1.13": ("rsassa_pkcs1v15", "sha512"),
    _RSA_PSS: ("rsassa_pss", None),
    "1.2.840.10045.4.1": ("ecdsa", "sha1"),
    "1.2.840.10045.4.3.1": ("ecdsa", "sha224"),
    "1.2.840.10045.4.3.2": ("ecdsa", "sha256"),
    "1.2.840.10045.4.3.3": ("ecdsa", "sha384"),
    "1.2.840.10045.4.3.4": ("ecdsa", "sha512"),
    _EC_PUBLIC_KEY: ("ecdsa", None),  # some SODs name the key algorithm instead of a signature one
    # BSI TR-03111 ecdsa-plain-signatures: r || s instead of a DER SEQUENCE.
    "0.4.0.127.0.7.1.1.4.1.1": ("ecdsa_plain", "sha1"),
    "0.4.0.127.0.7.1.1.4.1.2": ("ecdsa_plain", "sha224"),
    "0.4.0.127.0.7.1.1.4.1.3": ("ecdsa_plain", "sha256"),
    "0.4.0.127.0.7.1.1.4.1.4": ("ecdsa_plain", "sha384"),
    "0.4.0.127.0.7.1.1.4.1.5": ("ecdsa_plain", "sha512"),
}
_NULL_DER = b"\x05\x00"
_MAX_PSS_SALT = 1024


@dataclass(frozen=True)
class PlainECPublicKey:
    """An EC public key on a named curve that cryptography does not implement; verifies ECDSA."""

    curve_name: str
    x: int
    y: int

    @property
    def key_size(self) -> int:
        return CURVES[self.curve_name].p.bit_length()

    def verify(self, signature_der: bytes, data: bytes, hash_name: str) -> None:
        try:
            decoded = algos.DSASignature.load(bytes(signature_der), strict=True)
            r, s = decoded["r"].native, decoded["s"].native
        except _ASN1_ERRORS:
            raise InvalidSignature() from None
        digest = hashlib.new(hash_name, data).digest()
        if not (isinstance(r, int) and isinstance(s, int)) or not ecdsa_verify(
                CURVES[self.curve_name], (self.x, self.y), r, s, digest):
            raise InvalidSignature()


PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | PlainECPublicKey


def _hash(name: str) -> hashes.HashAlgorithm:
    try:
        return _HASHES[name]()
    except (KeyError, TypeError):
        raise PKIUnsupported(f"hash algorithm: {name!r} is not supported") from None


def _raw_parameters(algorithm: core.Sequence) -> bytes | None:
    """DER of an AlgorithmIdentifier's parameters, None when absent."""
    params = algorithm["parameters"]
    if isinstance(params, core.Void) or params.contents is None:
        return None
    return params.dump()


# ---------------------------------------------------------------- public keys


def _named_curve_of(specified: bytes) -> str:
    """The named curve whose every domain parameter equals an explicit SpecifiedECDomain.

    p, a, b, the base point G, the order n and (when present) the cofactor h must all be those of
    the named curve; the optional seed is not a parameter of the curve and is ignored. Anything
    else, a curve close to a named one included (another generator, say), is refused: accepting
    the signer's own curve would let a forger choose it.
    """
    try:
        domain = asn1_keys.SpecifiedECDomain.load(specified, strict=True)
        version = domain["version"].native
        field_type = domain["field_id"]["field_type"].dotted
        p_raw = domain["field_id"]["parameters"]
        p = core.Integer.load(p_raw.dump(), strict=True).native
        a = int.from_bytes(domain["curve"]["a"].native, "big")
        b = int.from_bytes(domain["curve"]["b"].native, "big")
        base = domain["base"].native
        n = domain["order"].native
        cofactor = domain["cofactor"].native
    except _ASN1_ERRORS as exc:
        raise PKIError(f"explicit EC parameters: malformed ({exc})") from None
    if field_type != _PRIME_FIELD:
        raise PKIUnsupported(f"explicit EC parameters: field {field_type} is not a prime field")
    if version not in (1, "ecdpVer1", "ecpVer1"):
        raise PKIError(f"explicit EC parameters: version {version!r}")
    for curve in CURVES.values():
        if (curve.p, curve.a, curve.b, curve.n) != (p, a, b, n):
            continue
        if cofactor is not None and cofactor != curve.h:
            break
        if not isinstance(base, bytes) or curve.decode_point(base) != (curve.gx, curve.gy):
            break
        return curve.name
    raise PKIError("explicit EC parameters: not those of any named curve (p, a, b, G, n, h); refused")


def _ec_key(curve_oid: str | None, curve_name: str | None, point: bytes) -> PublicKey:
    curve = BY_OID.get(curve_oid) if curve_oid else CURVES.get(curve_name or "")
    if curve is None:
        # A named curve outside the table: cryptography may still know it (it checks the point).
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(
                ec.get_curve_for_oid(x509.ObjectIdentifier(curve_oid))(), point)
        except (LookupError, ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise PKIUnsupported(f"EC key: curve {curve_oid} is not supported ({exc})") from None
    xy = curve.decode_point(point)
    if xy is None or xy == (0, 0):
        raise PKIError(f"EC key: the public point is not on {curve.name}")
    try:
        crypto_curve = ec.get_curve_for_oid(x509.ObjectIdentifier(curve.oid))()
    except LookupError:
        return PlainECPublicKey(curve.name, *xy)
    try:
        return ec.EllipticCurvePublicNumbers(xy[0], xy[1], crypto_curve).public_key()
    except (ValueError, UnsupportedAlgorithm):
        return PlainECPublicKey(curve.name, *xy)


def load_public_key(spki: asn1_keys.PublicKeyInfo) -> PublicKey:
    """The public key of a SubjectPublicKeyInfo: RSA (also id-RSASSA-PSS) or EC, with a named
    curve or explicit parameters equal to a named curve's. PKIError when it cannot be used."""
    try:
        algorithm = spki["algorithm"]
        oid = algorithm["algorithm"].dotted
        raw = spki["public_key"].contents
        params_der = _raw_parameters(algorithm)
    except _ASN1_ERRORS as exc:
        raise PKIError(f"public key: malformed ({exc})") from None
    if not raw or raw[0] != 0:
        raise PKIError("public key: the BIT STRING has unused bits")
    key_bytes = bytes(raw[1:])
    if oid in (_RSA, _RSA_PSS):
        try:
            numbers = asn1_keys.RSAPublicKey.load(key_bytes, strict=True)
            modulus, exponent = numbers["modulus"].native, numbers["public_exponent"].native
            return rsa.RSAPublicNumbers(exponent, modulus).public_key()
        except (*_ASN1_ERRORS, UnsupportedAlgorithm) as exc:
            raise PKIError(f"RSA key: malformed or unusable ({exc})") from None
    if oid != _EC_PUBLIC_KEY:
        raise PKIUnsupported(f"public key: algorithm {oid} is not supported")
    if params_der is None:
        raise PKIError("EC key: no curve parameters")
    if params_der[:1] == b"\x06":
        try:
            curve_oid = core.ObjectIdentifier.load(params_der, strict=True).dotted
        except _ASN1_ERRORS as exc:
            raise PKIError(f"EC key: malformed curve name ({exc})") from None
        return _ec_key(curve_oid, None, key_bytes)
    if params_der[:1] == b"\x30":
        return _ec_key(None, _named_curve_of(params_der), key_bytes)
    raise PKIUnsupported("EC key: implicitly-CA curve parameters are not supported")


@lru_cache(maxsize=256)
def certificate_key(der: bytes) -> PublicKey:
    """The public key of a DER certificate (cached: the same DS and CSCA come back all day)."""
    try:
        cert = asn1_x509.Certificate.load(bytes(der), strict=True)
        spki = cert["tbs_certificate"]["subject_public_key_info"]
    except _ASN1_ERRORS as exc:
        raise PKIError(f"certificate: malformed ({exc})") from None
    return load_public_key(spki)


def key_description(key: PublicKey) -> str:
    """A short name of a key for reports: "EC brainpoolP256r1", "RSA 2048"."""
    if isinstance(key, PlainECPublicKey):
        return f"EC {key.curve_name}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    return f"RSA {key.key_size}"


# ---------------------------------------------------------------- signatures


@dataclass(frozen=True)
class SignatureAlgorithm:
    """What an AlgorithmIdentifier asks for: scheme, hash and, for PSS, MGF1 hash and salt length."""

    scheme: str  # "rsassa_pkcs1v15" | "rsassa_pss" | "ecdsa" | "ecdsa_plain"
    hash_name: str
    mgf_hash: str | None = None
    salt_length: int | None = None

    def __str__(self) -> str:
        if self.scheme == "rsassa_pss":
            return f"RSASSA-PSS {self.hash_name} (MGF1 {self.mgf_hash}, sal {self.salt_length})"
        return f"{self.scheme.replace('_', '-').upper()} {self.hash_name}"


def _pss_parameters(params_der: bytes | None) -> tuple[str, str, int]:
    if params_der is None:
        return "sha1", "sha1", 20  # RFC 4055 defaults
    try:
        params = algos.RSASSAPSSParams.load(params_der, strict=True)
        hash_oid = params["hash_algorithm"]["algorithm"].dotted
        mgf = params["mask_gen_algorithm"]
        mgf_oid = mgf["algorithm"].dotted
        mgf_params = mgf["parameters"]
        mgf_hash_oid = algos.DigestAlgorithm.load(mgf_params.dump(), strict=True)["algorithm"].dotted
        salt = params["salt_length"].native
        trailer = params["trailer_field"].native
    except _ASN1_ERRORS as exc:
        raise PKIError(f"RSASSA-PSS parameters: malformed ({exc.__class__.__name__}: {exc})") from None
    if mgf_oid != "1.2.840.113549.1.1.8":
        raise PKIUnsupported(f"RSASSA-PSS parameters: mask generation {mgf_oid} is not MGF1")
    if trailer not in ("trailer_field_bc", 1):
        raise PKIError(f"RSASSA-PSS parameters: trailer field {trailer!r} is not 1")
    if not isinstance(salt, int) or not 0 <= salt <= _MAX_PSS_SALT:
        raise PKIError(f"RSASSA-PSS parameters: salt length {salt!r} out of range")
    try:
        return _HASH_OIDS[hash_oid], _HASH_OIDS[mgf_hash_oid], salt
    except KeyError as exc:
        raise PKIUnsupported(f"RSASSA-PSS parameters: hash {exc.args[0]} is not supported") from None


def signature_algorithm(identifier: core.Sequence, *, digest_fallback: str | None = None) -> SignatureAlgorithm:
    """Read a signature AlgorithmIdentifier. ECDSA and PKCS#1 v1.5 take absent or NULL parameters
    (RFC 5758 says absent; issuers write NULL); ``digest_fallback`` (the SignerInfo's digest
    algorithm) names the hash when the identifier itself does not."""
    try:
        oid = identifier["algorithm"].dotted
        params_der = _raw_parameters(identifier)
    except _ASN1_ERRORS as exc:
        raise PKIError(f"signature algorithm: malformed ({exc})") from None
    if oid not in _SIGNATURE_OIDS:
        raise PKIUnsupported(f"signature algorithm: {oid} is not supported")
    scheme, hash_name = _SIGNATURE_OIDS[oid]
    if scheme == "rsassa_pss":
        pss_hash, mgf_hash, salt = _pss_parameters(params_der)
        return SignatureAlgorithm(scheme, pss_hash, mgf_hash, salt)
    if params_der not in (None, _NULL_DER):
        raise PKIError(f"signature algorithm: {oid} takes no parameters, found {params_der[:16].hex()}")
    hash_name = hash_name or digest_fallback
    if hash_name not in _HASHES:
        raise PKIUnsupported(f"signature algorithm: {oid} with hash {hash_name!r} is not supported")
    return SignatureAlgorithm(scheme, hash_name)


def verify(key: PublicKey, signature: bytes, data: bytes, algorithm: SignatureAlgorithm) -> None:
    """Return when ``signature`` over ``data`` verifies; InvalidSignature when it does not; PKIError
    when the key does not fit the algorithm or the signature cannot be checked at all."""
    if not isinstance(signature, bytes | bytearray) or not isinstance(data, bytes | bytearray):
        raise PKIError("signature: bytes expected")
    scheme = algorithm.scheme
    if scheme == "ecdsa_plain":
        if not signature or len(signature) % 2:
            raise InvalidSignature()
        half = len(signature) // 2
        signature = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
        scheme = "ecdsa"
    try:
        if scheme == "ecdsa" and isinstance(key, PlainECPublicKey):
            key.verify(signature, data, algorithm.hash_name)
        elif scheme == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(bytes(signature), bytes(data), ec.ECDSA(_hash(algorithm.hash_name)))
        elif scheme == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(bytes(signature), bytes(data), padding.PKCS1v15(), _hash(algorithm.hash_name))
        elif scheme == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            pss = padding.PSS(padding.MGF1(_hash(algorithm.mgf_hash or algorithm.hash_name)),
                              algorithm.salt_length if algorithm.salt_length is not None else 20)
            key.verify(bytes(signature), bytes(data), pss, _hash(algorithm.hash_name))
        else:
            raise PKIError(f"signature: {algorithm} does not fit a {key_description(key)} key")
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        # cryptography refuses some inputs outright (a salt longer than the key allows, say).
        raise PKIError(f"signature: cannot be checked ({exc})") from None


def verify_certificate(cert: asn1_x509.Certificate, issuer_key: PublicKey) -> SignatureAlgorithm:
    """Check a certificate's signature with its issuer's key, over the TBS bytes as they were signed."""
    return _verify_signed(cert, "tbs_certificate", "signature_value", issuer_key, inner="signature")


def verify_crl(crl: core.Sequence, issuer_key: PublicKey) -> SignatureAlgorithm:
    """Check a CRL's signature (asn1crypto CertificateList) with its issuer's key."""
    return _verify_signed(crl, "tbs_cert_list", "signature", issuer_key, inner="signature")


def _verify_signed(signed: core.Sequence, tbs_field: str, value_field: str, key: PublicKey, *,
                   inner: str) -> SignatureAlgorithm:
    try:
        tbs = signed[tbs_field]
        tbs_der = tbs.dump()
        outer = signed["signature_algorithm"]
        inner_oid = tbs[inner]["algorithm"].dotted
        value = signed[value_field].native
    except _ASN1_ERRORS as exc:
        raise PKIError(f"signed object: malformed ({exc})") from None
    algorithm = signature_algorithm(outer)
    if inner_oid != outer["algorithm"].dotted:
        raise PKIError("signed object: the signature algorithm inside differs from the one outside")
    if not isinstance(value, bytes):
        raise PKIError("signed object: no signature value")
    verify(key, value, tbs_der, algorithm)
    return algorithm
