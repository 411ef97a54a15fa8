"""Active Authentication (ICAO 9303 Part 11 section 6.1): INTERNAL AUTHENTICATE with the terminal's
8-byte challenge, answered with a signature by the key whose public half is in DG15.

RSA keys answer with ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery): the
recovered message is 6A || M1 || H(M1 || challenge) || trailer, the trailer BC (SHA-1) or a
hash identifier of ISO/IEC 10118-3 followed by CC. ECDSA keys answer with the plain signature
r || s of BSI TR-03111 over the challenge, the hash named by DG14's ActiveAuthenticationInfo
(SHA-256 when DG14 says nothing).

Terminal side: `verify` returns an AAResult (verified or not) for a well-formed answer and raises
an AAError subclass naming the structure that is malformed. Chip side: `sign`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any, Callable

from asn1crypto import keys as asn1_keys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from mrtd.apdu import CommandAPDU
from mrtd.curves import CURVES, ecdsa_verify
from mrtd.errors import (
    AAError, AAKeyError, AALengthError, AAPaddingError, AATrailerError, MRTDError, PKIError, TLVError,
)
from mrtd.keys import PlainECPublicKey, PublicKey, load_public_key
from mrtd.tlv import encode_tlv, expect_tlv

INS_INTERNAL_AUTHENTICATE = 0x88
CHALLENGE_LENGTH = 8
DG15_TAG = 0x6F
ID_AA = "2.23.136.1.1.5"

# ISO/IEC 10118-3 hash identifiers of the two-byte 9796-2 trailer (identifier || CC).
_HASH_IDS = {0x33: "sha1", 0x34: "sha256", 0x35: "sha512", 0x36: "sha384", 0x38: "sha224"}
_HASH_ID_OF = {name: ident for ident, name in _HASH_IDS.items()}
_DIGEST_SIZES = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}
_CRYPTO_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
                  "sha384": hashes.SHA384, "sha512": hashes.SHA512}
# ActiveAuthenticationInfo signatureAlgorithm -> hash: BSI TR-03111 ecdsa-plain-* and X9.62 ecdsa-with-*.
AA_SIGNATURE_HASHES = {
    "0.4.0.127.0.7.1.1.4.1.1": "sha1", "0.4.0.127.0.7.1.1.4.1.2": "sha224", "0.4.0.127.0.7.1.1.4.1.3": "sha256",
    "0.4.0.127.0.7.1.1.4.1.4": "sha384", "0.4.0.127.0.7.1.1.4.1.5": "sha512",
    "1.2.840.10045.4.1": "sha1", "1.2.840.10045.4.3.1": "sha224", "1.2.840.10045.4.3.2": "sha256",
    "1.2.840.10045.4.3.3": "sha384", "1.2.840.10045.4.3.4": "sha512",
}
ECDSA_PLAIN_SHA256 = "0.4.0.127.0.7.1.1.4.1.3"
DEFAULT_ECDSA_HASH = "sha256"


@dataclass(frozen=True)
class AAResult:
    """The outcome of Active Authentication: `verified`, the algorithm and, when it failed, why.

    `error` is the AAError class name when the answer was malformed (or the chip refused), None
    when it was well-formed; `sw` the chip's status word when it refused INTERNAL AUTHENTICATE.
    """

    verified: bool
    algorithm: str
    reason: str | None = None
    error: str | None = None
    sw: int | None = None
    signature: bytes | None = None  # the chip's answer, so that whoever issued the challenge can check it too

    def to_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, "algorithm": self.algorithm, "reason": self.reason,
                "error": self.error, "sw": f"{self.sw:04X}" if self.sw is not None else None,
                "signature": self.signature.hex().upper() if self.signature is not None else None}

    @classmethod
    def failed(cls, exc: MRTDError, algorithm: str = "", signature: bytes | None = None) -> "AAResult":
        return cls(False, algorithm, str(exc), type(exc).__name__, getattr(exc, "sw", None), signature)


# --- DG15 ------------------------------------------------------------------------------------


def encode_dg15(public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> bytes:
    """DG15: 6F { SubjectPublicKeyInfo } of the Active Authentication key."""
    spki = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return encode_tlv(DG15_TAG, spki)


def dg15_public_key(dg15: bytes) -> PublicKey:
    """The Active Authentication public key of DG15; AAKeyError when it is missing or unusable."""
    try:
        spki_der = expect_tlv(bytes(dg15), DG15_TAG, what="DG15")
        spki = asn1_keys.PublicKeyInfo.load(spki_der, strict=True)
        return load_public_key(spki)
    except PKIError as exc:
        lenient = _unsigned_rsa_key(spki)
        if lenient is None:
            raise AAKeyError(f"DG15: {exc}") from exc
        return lenient
    except TLVError as exc:
        raise AAKeyError(f"DG15: {exc}") from exc
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        raise AAKeyError(f"DG15: SubjectPublicKeyInfo malformed ({exc})") from None


def _unsigned_rsa_key(spki: asn1_keys.PublicKeyInfo) -> rsa.RSAPublicKey | None:
    """An RSA key whose modulus was written as a negative INTEGER (no leading 00), as on the BSI
    2008 test passport's DG15: read as the unsigned number its bytes are. None for anything else."""
    try:
        if spki["algorithm"]["algorithm"].dotted != "1.2.840.113549.1.1.1":
            return None
        numbers = asn1_keys.RSAPublicKey.load(bytes(spki["public_key"].contents[1:]), strict=True)
        n = int.from_bytes(numbers["modulus"].contents, "big")
        e = int.from_bytes(numbers["public_exponent"].contents, "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
        return None


def internal_authenticate_apdu(challenge: bytes, *, extended: bool = False) -> bytes:
    """00 88 00 00 08 <challenge> 00: the chip answers with as many bytes as its signature has.
    `extended` asks with Le 0000 (an RSA-2048 answer under secure messaging exceeds 256 bytes)."""
    _check_challenge(challenge)
    return CommandAPDU(0x00, INS_INTERNAL_AUTHENTICATE, 0x00, 0x00, challenge, 65536 if extended else 256).to_bytes()


def needs_extended_length(key: object) -> bool:
    """Whether the answer of this DG15 key, wrapped in secure messaging, is longer than 256 bytes."""
    return isinstance(key, rsa.RSAPublicKey) and (key.key_size + 7) // 8 > 200


def _check_challenge(challenge: bytes) -> None:
    if len(challenge) != CHALLENGE_LENGTH:
        raise AALengthError(f"AA challenge: {len(challenge)} bytes, ICAO 9303 requires {CHALLENGE_LENGTH}")


def algorithm_name(key: object, hash_name: str | None = None) -> str:
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return "RSA ISO/IEC 9796-2" + (f" {hash_name}" if hash_name else "")
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey, PlainECPublicKey)):
        return f"ECDSA {hash_name or DEFAULT_ECDSA_HASH}"
    return type(key).__name__


# --- terminal side ---------------------------------------------------------------------------


def verify(key: PublicKey, challenge: bytes, signature: bytes, *, signature_algorithm: str | None = None) -> AAResult:
    """Check the chip's answer to INTERNAL AUTHENTICATE(challenge) with the DG15 key.

    `signature_algorithm` is DG14's ActiveAuthenticationInfo signatureAlgorithm OID (ECDSA keys).
    Returns AAResult(verified=...) for a well-formed answer; raises AAKeyError, AALengthError,
    AATrailerError or AAPaddingError when the key or the answer is malformed.
    """
    _check_challenge(challenge)
    if isinstance(key, rsa.RSAPublicKey):
        if signature_algorithm is not None and signature_algorithm in AA_SIGNATURE_HASHES:
            raise AAKeyError("DG14 names an ECDSA signature algorithm for Active Authentication but DG15 holds an RSA key")
        return _verify_9796_2(key, challenge, bytes(signature))
    if isinstance(key, (ec.EllipticCurvePublicKey, PlainECPublicKey)):
        hash_name = DEFAULT_ECDSA_HASH
        if signature_algorithm is not None:
            if signature_algorithm not in AA_SIGNATURE_HASHES:
                raise AAKeyError(f"ActiveAuthenticationInfo: signature algorithm {signature_algorithm} "
                                 "is not ECDSA with a known hash")
            hash_name = AA_SIGNATURE_HASHES[signature_algorithm]
        return _verify_ecdsa(key, challenge, bytes(signature), hash_name)
    raise AAKeyError(f"DG15: a {type(key).__name__} key cannot answer Active Authentication (RSA or EC only)")


@dataclass(frozen=True)
class Recovered9796:
    """What ISO/IEC 9796-2 scheme 1 recovers from a signature: M1, the hash H and its algorithm."""

    hash_name: str
    m1: bytes
    digest: bytes


def recover_9796_2(n: int, e: int, signature: bytes) -> Recovered9796:
    """Open a scheme 1 signature with the public key (n, e): AALengthError, AATrailerError or
    AAPaddingError name what is malformed. The trailer BC is taken as SHA-1 (what AA chips use)."""
    size = (n.bit_length() + 7) // 8
    if len(signature) != size:
        raise AALengthError(f"AA RSA signature: {len(signature)} bytes, the {n.bit_length()}-bit DG15 key gives {size}")
    s = int.from_bytes(signature, "big")
    if not 0 < s < n:
        raise AALengthError("AA RSA signature: not below the modulus")
    j = pow(s, e, n)
    if j & 0x0F != 0x0C:
        j = n - j  # ISO/IEC 9796-2: the signer may have sent n - s^d
    if j & 0x0F != 0x0C:
        raise AATrailerError("AA ISO/IEC 9796-2: the recovered message does not end in C (trailer BC or xxCC)")
    f = j.to_bytes(size, "big")
    if f[-1] == 0xBC:
        hash_name, trailer = "sha1", 1
    elif f[-1] == 0xCC and f[-2] in _HASH_IDS:
        hash_name, trailer = _HASH_IDS[f[-2]], 2
    else:
        raise AATrailerError(f"AA ISO/IEC 9796-2: trailer {f[-2:].hex().upper()} is neither BC nor a known "
                             "hash identifier followed by CC")
    if f[0] & 0xC0 != 0x40:
        raise AAPaddingError("AA ISO/IEC 9796-2: header bits are not 01")
    if not f[0] & 0x20:
        raise AAPaddingError("AA ISO/IEC 9796-2: total recovery; Active Authentication uses partial recovery")
    # Padding: the first nibble after the header bits, then B nibbles, ending with the nibble A.
    index = 0
    while index < size and f[index] & 0x0F != 0x0A:
        if f[index] & 0x0F != 0x0B or (index > 0 and f[index] != 0xBB):
            raise AAPaddingError("AA ISO/IEC 9796-2: padding is not B...BA")
        index += 1
    m1_end = size - trailer - _DIGEST_SIZES[hash_name]
    if index + 1 >= m1_end:
        raise AAPaddingError("AA ISO/IEC 9796-2: no recoverable message M1 before the hash")
    return Recovered9796(hash_name, f[index + 1:m1_end], f[m1_end:size - trailer])


def _verify_9796_2(key: rsa.RSAPublicKey, challenge: bytes, signature: bytes) -> AAResult:
    numbers = key.public_numbers()
    recovered = recover_9796_2(numbers.n, numbers.e, signature)
    algorithm = algorithm_name(key, recovered.hash_name)
    expected = hashlib.new(recovered.hash_name, recovered.m1 + challenge).digest()
    if not hmac.compare_digest(expected, recovered.digest):
        return AAResult(False, algorithm, "la firma no corresponde al desafío / the hash of M1 || challenge does not match")
    return AAResult(True, algorithm)


def _verify_ecdsa(key: ec.EllipticCurvePublicKey | PlainECPublicKey, challenge: bytes, signature: bytes,
                  hash_name: str) -> AAResult:
    curve = CURVES.get(key.curve_name if isinstance(key, PlainECPublicKey) else key.curve.name)
    if curve is None:
        raise AAKeyError(f"DG15: EC key on an unknown curve {key.curve.name}")  # type: ignore[union-attr]
    half = (curve.n.bit_length() + 7) // 8
    algorithm = algorithm_name(key, hash_name)
    if len(signature) != 2 * half:
        raise AALengthError(f"AA ECDSA signature: {len(signature)} bytes, plain r || s on {curve.name} has {2 * half}")
    r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
    if not (0 < r < curve.n and 0 < s < curve.n):
        return AAResult(False, algorithm, "r o s fuera de rango / r or s out of range")
    if isinstance(key, PlainECPublicKey):
        ok = ecdsa_verify(curve, (key.x, key.y), r, s, hashlib.new(hash_name, challenge).digest())
    else:
        try:
            key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(_CRYPTO_HASHES[hash_name]()))
            ok = True
        except InvalidSignature:
            ok = False
    if not ok:
        return AAResult(False, algorithm, "la firma no corresponde al desafío / the signature does not verify")
    return AAResult(True, algorithm)


def check(*, dg15: bytes, challenge: bytes, signature: bytes, signature_algorithm: str | None = None) -> AAResult:
    """`verify` from DG15's bytes, for whoever issued the challenge (the portal checking a gate's
    report): never raises; a malformed key or answer is a failed AAResult naming the structure."""
    algorithm = ""
    try:
        key = dg15_public_key(dg15)
        algorithm = algorithm_name(key, AA_SIGNATURE_HASHES.get(signature_algorithm or ""))
        result = verify(key, challenge, signature, signature_algorithm=signature_algorithm)
    except AAError as exc:
        return AAResult.failed(exc, algorithm, bytes(signature))
    return AAResult(result.verified, result.algorithm, result.reason, signature=bytes(signature))


# --- chip side -------------------------------------------------------------------------------


def sign(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, challenge: bytes, *, hash_name: str | None = None,
         rng: Callable[[int], bytes] = os.urandom) -> bytes:
    """The chip's answer to INTERNAL AUTHENTICATE: 9796-2 scheme 1 (SHA-1 and trailer BC unless
    `hash_name` says otherwise) for RSA, plain r || s (SHA-256 unless told) for ECDSA."""
    _check_challenge(challenge)
    if isinstance(key, rsa.RSAPrivateKey):
        return _sign_9796_2(key, challenge, hash_name or "sha1", rng)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        name = hash_name or DEFAULT_ECDSA_HASH
        r, s = decode_dss_signature(key.sign(challenge, ec.ECDSA(_CRYPTO_HASHES[name]())))
        half = (key.curve.key_size + 7) // 8
        return r.to_bytes(half, "big") + s.to_bytes(half, "big")
    raise AAKeyError(f"AA: a {type(key).__name__} cannot sign (RSA or EC only)")


def _sign_9796_2(key: rsa.RSAPrivateKey, challenge: bytes, hash_name: str, rng: Callable[[int], bytes]) -> bytes:
    if hash_name not in _HASH_ID_OF:
        raise AAError(f"AA ISO/IEC 9796-2: hash {hash_name!r} has no identifier")
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    if n.bit_length() % 8:
        raise AAKeyError("AA ISO/IEC 9796-2: this chip only signs with a modulus of whole bytes")
    size = n.bit_length() // 8
    trailer = b"\xBC" if hash_name == "sha1" else bytes((_HASH_ID_OF[hash_name], 0xCC))
    m1 = rng(size - 1 - _DIGEST_SIZES[hash_name] - len(trailer))
    f = b"\x6A" + m1 + hashlib.new(hash_name, m1 + challenge).digest() + trailer
    # s = f^d mod n by the Chinese remainder theorem.
    m = int.from_bytes(f, "big")
    s1, s2 = pow(m, numbers.dmp1, numbers.p), pow(m, numbers.dmq1, numbers.q)
    s = s2 + numbers.q * ((numbers.iqmp * (s1 - s2)) % numbers.p)
    return s.to_bytes(size, "big")


__all__ = [
    "AA_SIGNATURE_HASHES", "AAResult", "CHALLENGE_LENGTH", "ECDSA_PLAIN_SHA256", "ID_AA",
    "INS_INTERNAL_AUTHENTICATE", "check", "dg15_public_key", "recover_9796_2", "encode_dg15", "internal_authenticate_apdu", "sign", "verify",
]
