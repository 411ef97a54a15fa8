"""PACE with ECDH Generic or Integrated Mapping (ICAO 9303 Part 11 section 4.4), terminal and chip side.

Nonce s encrypted with K_pi (from the MRZ or the CAN); mapping G' = s*G + H with H from a first
ECDH (Generic), or G' = f_G(R_p(s, t)) with the terminal's nonce t (Integrated); an ephemeral
ECDH on G', session keys KS_enc / KS_mac and the two authentication tokens.

Multiples of a curve's standard generator come from the cryptography package; the rest of the
elliptic-curve arithmetic is ours (on mrtd.curves), because cryptography cannot compute on a
mapped generator nor return the whole ECDH point that H is. Our scalar multiplication is a
Montgomery ladder (the same operations whatever the key bits; Python integers are not constant
time, which is acceptable for a reader and a virtual chip, not for a real card).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Callable

from cryptography.hazmat.primitives.asymmetric import ec

from mrtd.bac import adjust_parity, pad, retail_mac, tdes_decrypt, tdes_encrypt
from mrtd.cardaccess import (
    PACE_ECDH_GM_3DES, PACE_ECDH_GM_AES_128, PACE_ECDH_GM_AES_192, PACE_ECDH_GM_AES_256, PACE_ECDH_IM_3DES,
    PACE_ECDH_IM_AES_128, PACE_ECDH_IM_AES_192, PACE_ECDH_IM_AES_256, PARAMETER_CURVES, PACEInfo, encode_oid,
)
from mrtd.curves import CURVES, _add, _Curve, _double, _Point
from mrtd.errors import PACEAuthenticationError, PACEError, TLVError
from mrtd.sm import SecureMessaging, aes_cbc, aes_cmac
from mrtd.tlv import encode_tlv, expect_tlv, iter_tlv

INS_MSE = 0x22
INS_GENERAL_AUTHENTICATE = 0x86
SW_OK = 0x9000
SW_AUTH_FAILED = 0x6300
SW_WRONG_DATA = 0x6A80
SW_REFERENCED_DATA_NOT_FOUND = 0x6A88
SW_SECURITY_NOT_SATISFIED = 0x6982

PASSWORD_MRZ = 1
PASSWORD_CAN = 2

KDF_ENC, KDF_MAC, KDF_PI = 1, 2, 3

def nonce_length(params: "PACEParams") -> int:
    """Bytes of the nonce s (section 4.4.3.3): the smallest multiple of the block size at least as
    long as the key, 3DES counting as 128 bits: 16 for 3DES and AES-128, 32 for AES-192/256."""
    return 16 if params.key_length == 16 else 32

# protocol OID -> (mapping, cipher, key length)
_ALGORITHMS = {
    PACE_ECDH_GM_3DES: ("GM", "3DES", 16),
    PACE_ECDH_GM_AES_128: ("GM", "AES", 16),
    PACE_ECDH_GM_AES_192: ("GM", "AES", 24),
    PACE_ECDH_GM_AES_256: ("GM", "AES", 32),
    PACE_ECDH_IM_3DES: ("IM", "3DES", 16),
    PACE_ECDH_IM_AES_128: ("IM", "AES", 16),
    PACE_ECDH_IM_AES_192: ("IM", "AES", 24),
    PACE_ECDH_IM_AES_256: ("IM", "AES", 32),
}
SUPPORTED_PROTOCOLS = tuple(_ALGORITHMS)


@dataclass(frozen=True)
class PACEParams:
    """One supported PACE configuration: protocol OID, cipher, key length and curve."""

    protocol: str
    cipher: str
    key_length: int
    parameter_id: int
    curve: _Curve
    mapping: str = "GM"  # "GM" Generic Mapping, "IM" Integrated Mapping

    @property
    def block(self) -> int:
        return 16 if self.cipher == "AES" else 8

    @property
    def oid_bytes(self) -> bytes:
        return encode_oid(self.protocol)


def pace_params(protocol: str, parameter_id: int | None) -> PACEParams:
    """The configuration for a PACEInfo's protocol and parameterId; PACEError if we lack it."""
    if protocol not in _ALGORITHMS:
        raise PACEError(f"PACE: protocol {protocol} not supported (only ECDH Generic and Integrated Mapping)",
                        SW_WRONG_DATA)
    if parameter_id not in PARAMETER_CURVES:
        raise PACEError(f"PACE: domain parameters {parameter_id} not supported (only the standardized curves)",
                        SW_WRONG_DATA)
    mapping, cipher, key_length = _ALGORITHMS[protocol]
    curve = CURVES[PARAMETER_CURVES[parameter_id]]
    if mapping == "IM" and curve.p % 4 != 3:
        # The point encoding of Appendix B takes square roots the p = 3 mod 4 way (P-224 is not).
        raise PACEError(f"PACE: Integrated Mapping on {curve.name} not supported", SW_WRONG_DATA)
    return PACEParams(protocol, cipher, key_length, parameter_id, curve, mapping)


def supported(info: PACEInfo) -> bool:
    try:
        pace_params(info.protocol, info.parameter_id)
    except PACEError:
        return False
    return True


def choose(infos: tuple[PACEInfo, ...] | list[PACEInfo]) -> PACEParams | None:
    """The strongest PACEInfo we support (AES over 3DES, longer keys, bigger curves, then Generic
    Mapping, the one most chips offer), if any."""
    candidates = [pace_params(i.protocol, i.parameter_id) for i in infos if supported(i)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.cipher == "AES", p.key_length, p.curve.p.bit_length(), p.mapping == "GM"))


# --- keys ------------------------------------------------------------------------------------


def kdf(secret: bytes, counter: int, cipher: str, key_length: int) -> bytes:
    """Part 11 section 9.7.1: SHA-1 for 3DES and AES-128, SHA-256 for AES-192/256."""
    data = secret + counter.to_bytes(4, "big")
    if cipher == "3DES":
        return adjust_parity(hashlib.sha1(data).digest()[:16])
    digest = hashlib.sha1(data).digest() if key_length == 16 else hashlib.sha256(data).digest()
    return digest[:key_length]


def mrz_password(mrz_info: str) -> bytes:
    """f(pi) for the MRZ password: SHA-1 of the MRZ information (Part 11 section 9.7.3)."""
    return hashlib.sha1(mrz_info.encode("ascii")).digest()


def can_password(can: str) -> bytes:
    """f(pi) for the card access number: its characters as ISO 8859-1."""
    if not can or not can.isdigit():
        raise PACEError("PACE: the CAN is a string of digits")
    return can.encode("latin-1")


def password_key(params: PACEParams, password: bytes) -> bytes:
    """K_pi = KDF_pi(f(pi))."""
    return kdf(password, KDF_PI, params.cipher, params.key_length)


def _block_encrypt(params: PACEParams, key: bytes, data: bytes, *, decrypt: bool = False) -> bytes:
    if params.cipher == "AES":
        return aes_cbc(key, data, decrypt=decrypt)
    return tdes_decrypt(key, data) if decrypt else tdes_encrypt(key, data)


def token_mac(params: PACEParams, ks_mac: bytes, data: bytes) -> bytes:
    """The 8-byte MAC of an authentication token: AES-CMAC (truncated) or the 3DES retail MAC."""
    if params.cipher == "AES":
        return aes_cmac(ks_mac, data)[:8]
    return retail_mac(ks_mac, pad(data))


def public_key_data(params: PACEParams, point: bytes) -> bytes:
    """The public key data object the tokens cover: 7F49 { 06 protocol OID, 86 point }."""
    return encode_tlv(0x7F49, encode_tlv(0x06, params.oid_bytes) + encode_tlv(0x86, point))


# --- elliptic curve arithmetic ---------------------------------------------------------------


def _to_affine(curve: _Curve, point: _Point) -> tuple[int, int]:
    if point is None:
        raise PACEError("PACE: the point at infinity", SW_WRONG_DATA)
    x, y, z = point
    zinv = pow(z, -1, curve.p)
    zz = zinv * zinv % curve.p
    return x * zz % curve.p, y * zz * zinv % curve.p


def multiply(curve: _Curve, k: int, point: tuple[int, int]) -> tuple[int, int]:
    """k * point (Montgomery ladder); PACEError if the result is the point at infinity."""
    r0: _Point = None
    r1: _Point = (point[0], point[1], 1)
    for bit in range(curve.n.bit_length() - 1, -1, -1):
        if (k >> bit) & 1:
            r0, r1 = _add(curve, r0, r1), _double(curve, r1)
        else:
            r1, r0 = _add(curve, r0, r1), _double(curve, r0)
    return _to_affine(curve, r0)


# Curves OpenSSL knows by name: multiples of their standard generator come from cryptography
# (constant time, and faster); the mapped generator G' always needs our own arithmetic.
_OPENSSL_CURVES = {
    "secp192r1": ec.SECP192R1, "secp224r1": ec.SECP224R1, "secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1,
    "secp521r1": ec.SECP521R1, "brainpoolP256r1": ec.BrainpoolP256R1, "brainpoolP384r1": ec.BrainpoolP384R1,
    "brainpoolP512r1": ec.BrainpoolP512R1,
}


def base_multiply(curve: _Curve, k: int) -> tuple[int, int]:
    """k * G for the curve's standard generator."""
    named = _OPENSSL_CURVES.get(curve.name)
    if named is None or not 0 < k < curve.n:
        return multiply(curve, k, (curve.gx, curve.gy))
    numbers = ec.derive_private_key(k, named()).public_key().public_numbers()
    return numbers.x, numbers.y


def add(curve: _Curve, one: tuple[int, int], two: tuple[int, int]) -> tuple[int, int]:
    return _to_affine(curve, _add(curve, (one[0], one[1], 1), (two[0], two[1], 1)))


def encode_point(curve: _Curve, point: tuple[int, int]) -> bytes:
    return b"\x04" + point[0].to_bytes(curve.size, "big") + point[1].to_bytes(curve.size, "big")


def decode_point(curve: _Curve, data: bytes, what: str) -> tuple[int, int]:
    """An uncompressed point on the curve (cofactor 1: on the curve means in the group)."""
    if len(data) != 1 + 2 * curve.size or data[0] != 0x04:
        raise PACEError(f"PACE {what}: expected an uncompressed {curve.name} point of {1 + 2 * curve.size} bytes",
                        SW_WRONG_DATA)
    point = curve.decode_point(data)
    if point is None:
        raise PACEError(f"PACE {what}: the point is not on {curve.name}", SW_WRONG_DATA)
    return point


def random_scalar(curve: _Curve, rng: Callable[[int], bytes]) -> int:
    """A private key in [1, n-1] from `rng` bytes (redrawn while out of range)."""
    size = (curve.n.bit_length() + 7) // 8
    for _ in range(64):
        k = int.from_bytes(rng(size), "big") >> (8 * size - curve.n.bit_length())
        if 0 < k < curve.n:
            return k
    raise PACEError("PACE: the random source keeps giving keys out of range")


def generic_mapping(curve: _Curve, nonce: bytes, h: tuple[int, int]) -> tuple[int, int]:
    """G' = s*G + H (Part 11 section 4.4.3.3.1)."""
    s = int.from_bytes(nonce, "big")
    return add(curve, base_multiply(curve, s), h)


# --- Integrated Mapping (section 4.4.3.3.2, Appendix B) ----------------------------------------

_C0 = {16: bytes.fromhex("a668892a7c41e3ca739f40b057d85904"),
       32: bytes.fromhex("d463d65234124ef7897054986dca0a174e28df758cbaa03f240616414d5a1676")}
_C1 = {16: bytes.fromhex("a4e136ac725f738b01c1f60217c188ad"),
       32: bytes.fromhex("54bd7255f0aaf831bec3423fcf39d69b6cbf066677d0faae5aadd99df8e53517")}


def pseudo_random(params: PACEParams, s: bytes, t: bytes) -> int:
    """R_p(s, t): the block cipher in CBC mode with IV 0 keyed by t, then by each k_i (truncated to
    the key size), n blocks of output with n*l >= log2 p + 64; the result mod p."""
    length = len(s)
    if length not in _C0 or len(t) != params.key_length:
        raise PACEError(f"PACE Integrated Mapping: nonces of {len(s)} and {len(t)} bytes", SW_WRONG_DATA)
    n = -(-(params.curve.p.bit_length() + 64) // (8 * length))
    key = _block_encrypt(params, t, s)
    out = b""
    for _ in range(n):
        key = key[:params.key_length]
        out += _block_encrypt(params, key, _C1[length])
        key = _block_encrypt(params, key, _C0[length])
    return int.from_bytes(out, "big") % params.curve.p


def point_encode(curve: _Curve, t: int) -> tuple[int, int]:
    """f_G(t) of Appendix B.2 (affine coordinates, p = 3 mod 4, cofactor 1)."""
    p, a, b = curve.p, curve.a, curve.b
    alpha = -t * t % p
    both = (alpha + alpha * alpha) % p
    x2 = -b * (1 + both) * pow(a * both % p, p - 2, p) % p
    x3 = alpha * x2 % p
    h2 = (pow(x2, 3, p) + a * x2 + b) % p
    u = pow(t, 3, p) * h2 % p
    big_a = pow(h2, p - 1 - (p + 1) // 4, p)
    point = (x2, big_a * h2 % p) if big_a * big_a * h2 % p == 1 else (x3, big_a * u % p)
    if not curve.contains(*point):
        raise PACEError("PACE Integrated Mapping: the encoded point is not on the curve", SW_WRONG_DATA)
    return point


def integrated_mapping(params: PACEParams, s: bytes, t: bytes) -> tuple[int, int]:
    """G' = f_G(R_p(s, t))."""
    return point_encode(params.curve, pseudo_random(params, s, t))


# --- dynamic authentication data -------------------------------------------------------------


def dynamic_data(tag: int, value: bytes = b"") -> bytes:
    """7C { tag value }, or an empty 7C for step 1's command."""
    return encode_tlv(0x7C, encode_tlv(tag, value) if tag else b"")


def parse_dynamic_data(data: bytes, tag: int, what: str, *, also: tuple[int, ...] = ()) -> bytes:
    """The value of `tag` inside 7C; other objects than those in `also` are refused (CAM's 8A is not ours)."""
    try:
        inner = list(iter_tlv(expect_tlv(data, 0x7C, what=f"PACE {what} dynamic authentication data")))
    except TLVError as exc:
        raise PACEError(str(exc), SW_WRONG_DATA) from exc
    found = [value for t, value in inner if t == tag]
    others = [t for t, _ in inner if t != tag]
    if len(found) != 1 or any(t not in also for t in others) or len(set(others)) != len(others):
        raise PACEError(f"PACE {what}: 7C must hold exactly one {tag:02X} object, found {[hex(t) for t, _ in inner]}",
                        SW_WRONG_DATA)
    return found[0]


@dataclass(frozen=True)
class PACEResult:
    params: PACEParams
    ks_enc: bytes
    ks_mac: bytes

    def secure_messaging(self) -> SecureMessaging:
        """The SM session PACE opens: the SSC starts at zero (Part 11 section 9.8.6.3)."""
        return SecureMessaging(self.ks_enc, self.ks_mac, 0, cipher=self.params.cipher)


def _session(params: PACEParams, shared_x: int, mine: bytes, theirs: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(KS_enc, KS_mac, my token, the token I expect) from the shared x and the two public keys."""
    if hmac.compare_digest(mine, theirs):
        raise PACEError("PACE: both ephemeral public keys are the same", SW_WRONG_DATA)
    secret = shared_x.to_bytes(params.curve.size, "big")
    ks_enc = kdf(secret, KDF_ENC, params.cipher, params.key_length)
    ks_mac = kdf(secret, KDF_MAC, params.cipher, params.key_length)
    my_token = token_mac(params, ks_mac, public_key_data(params, theirs))
    their_token = token_mac(params, ks_mac, public_key_data(params, mine))
    return ks_enc, ks_mac, my_token, their_token


# --- terminal side ---------------------------------------------------------------------------


class PACETerminal:
    """Inspection system side; each step takes the chip's data and returns the next command data."""

    def __init__(self, params: PACEParams, password: bytes, *, password_ref: int = PASSWORD_MRZ,
                 rng: Callable[[int], bytes] = os.urandom):
        self.params = params
        self.password_ref = password_ref
        self._k_pi = password_key(params, password)
        self._rng = rng
        self._step = 0
        self._sk_map = self._sk = 0
        self._nonce = b""
        self._mapped: tuple[int, int] | None = None
        self._public = b""
        self._expected = b""
        self._keys = (b"", b"")
        self.result: PACEResult | None = None

    def mse_set_at(self, *, with_parameter_id: bool = False) -> bytes:
        """MSE:Set AT data: 80 protocol OID, 83 password reference, 84 parameterId if asked."""
        data = encode_tlv(0x80, self.params.oid_bytes) + encode_tlv(0x83, bytes((self.password_ref,)))
        if with_parameter_id:
            data += encode_tlv(0x84, bytes((self.params.parameter_id,)))
        return data

    def _expect(self, step: int) -> None:
        if self._step != step:
            raise PACEError(f"PACE: step {step + 1} out of order (expected step {self._step + 1})")
        self._step += 1

    def step1(self) -> bytes:
        """GENERAL AUTHENTICATE 1: ask for the encrypted nonce (empty 7C)."""
        self._expect(0)
        return dynamic_data(0)

    def step2(self, response: bytes) -> bytes:
        """Decrypt the nonce (80) and send the mapping public key (81)."""
        self._expect(1)
        z = parse_dynamic_data(response, 0x80, "step 1 response")
        if not z or len(z) % self.params.block or len(z) > 64:
            raise PACEError(f"PACE step 1: the encrypted nonce has {len(z)} bytes, not whole "
                            f"{self.params.block}-byte blocks", SW_WRONG_DATA)
        self._nonce = _block_encrypt(self.params, self._k_pi, z, decrypt=True)
        curve = self.params.curve
        if self.params.mapping == "IM":
            t = self._rng(self.params.key_length)  # the terminal's nonce, sent in clear
            self._mapped = integrated_mapping(self.params, self._nonce, t)
            return dynamic_data(0x81, t)
        self._sk_map = random_scalar(curve, self._rng)
        return dynamic_data(0x81, encode_point(curve, base_multiply(curve, self._sk_map)))

    def step3(self, response: bytes) -> bytes:
        """Map the nonce with the chip's mapping key (82) and send our ephemeral key (83)."""
        self._expect(2)
        curve = self.params.curve
        mapping_data = parse_dynamic_data(response, 0x82, "step 2 response")
        if self.params.mapping == "IM":
            if mapping_data:
                raise PACEError("PACE step 2: 82 must be empty for the Integrated Mapping", SW_WRONG_DATA)
        else:
            pk_map_ic = decode_point(curve, mapping_data, "PK_map,IC")
            self._mapped = generic_mapping(curve, self._nonce, multiply(curve, self._sk_map, pk_map_ic))
        assert self._mapped is not None
        self._sk = random_scalar(curve, self._rng)
        self._public = encode_point(curve, multiply(curve, self._sk, self._mapped))
        return dynamic_data(0x83, self._public)

    def step4(self, response: bytes) -> bytes:
        """Agree on the shared secret with the chip's ephemeral key (84) and send our token (85)."""
        self._expect(3)
        curve = self.params.curve
        assert self._mapped is not None
        raw = parse_dynamic_data(response, 0x84, "step 3 response")
        pk_ic = decode_point(curve, raw, "PK_DH,IC")
        shared = multiply(curve, self._sk, pk_ic)
        ks_enc, ks_mac, token, self._expected = _session(self.params, shared[0], self._public, raw)
        self._keys = (ks_enc, ks_mac)
        return dynamic_data(0x85, token)

    def complete(self, response: bytes) -> PACEResult:
        """Verify the chip's token (86); PACEAuthenticationError if it does not verify."""
        self._expect(4)
        # 87 / 88 (the chip's CARs) may follow the token when the terminal also runs Terminal Authentication.
        token = parse_dynamic_data(response, 0x86, "step 4 response", also=(0x87, 0x88))
        if not hmac.compare_digest(token, self._expected):
            raise PACEAuthenticationError("PACE: the chip's authentication token does not verify", SW_AUTH_FAILED)
        self.result = PACEResult(self.params, *self._keys)
        return self.result


# --- chip side -------------------------------------------------------------------------------


class PACEChip:
    """Chip side of PACE for the PACEInfos of EF.CardAccess and the passwords the chip knows.

    `mse_set_at` and `general_authenticate` raise PACEError carrying the status word to answer:
    6A80 malformed data or unsupported parameters, 6A88 an unknown password, 6982 a GENERAL
    AUTHENTICATE without MSE:Set AT, 6300 a terminal token that does not verify (wrong password).
    """

    def __init__(self, infos: tuple[PACEInfo, ...] | list[PACEInfo], passwords: dict[int, bytes], *,
                 rng: Callable[[int], bytes] = os.urandom):
        self.infos = [i for i in infos if supported(i)]
        self.passwords = passwords
        self._rng = rng
        self.reset()

    def reset(self) -> None:
        self._params: PACEParams | None = None
        self._k_pi = b""
        self._step = 0
        self._nonce = b""
        self._sk_map = self._sk = 0
        self._mapped: tuple[int, int] | None = None
        self._public = self._their_public = b""
        self._shared_x = 0
        self.result: PACEResult | None = None

    def mse_set_at(self, data: bytes) -> None:
        self.reset()
        try:
            objects = dict(iter_tlv(data))
        except TLVError as exc:
            raise PACEError(f"MSE:Set AT: {exc}", SW_WRONG_DATA) from exc
        if 0x80 not in objects or 0x83 not in objects:
            raise PACEError("MSE:Set AT: 80 (protocol) and 83 (password) are required", SW_WRONG_DATA)
        offered = [i for i in self.infos if encode_oid(i.protocol) == objects[0x80]]
        if 0x84 in objects:
            offered = [i for i in offered if bytes((i.parameter_id or 0,)) == objects[0x84]]
        if not offered:
            raise PACEError("MSE:Set AT: protocol or domain parameters not offered", SW_WRONG_DATA)
        ref = objects[0x83]
        if len(ref) != 1 or ref[0] not in self.passwords:
            raise PACEError("MSE:Set AT: password not available", SW_REFERENCED_DATA_NOT_FOUND)
        self._params = pace_params(offered[0].protocol, offered[0].parameter_id)
        self._k_pi = password_key(self._params, self.passwords[ref[0]])

    def general_authenticate(self, data: bytes) -> bytes:
        """Answer one GENERAL AUTHENTICATE step with its response data (7C ...)."""
        if self._params is None:
            raise PACEError("GENERAL AUTHENTICATE without MSE:Set AT", SW_SECURITY_NOT_SATISFIED)
        step = self._step
        try:
            reply = (self._step1, self._step2, self._step3, self._step4)[step](data) if step < 4 else None
        except PACEError:
            self.reset()  # any failure aborts the protocol: the terminal starts again with MSE:Set AT
            raise
        if reply is None:
            self.reset()
            raise PACEError("GENERAL AUTHENTICATE after PACE completed", SW_SECURITY_NOT_SATISFIED)
        self._step += 1
        return reply

    def _step1(self, data: bytes) -> bytes:
        assert self._params is not None
        try:
            if expect_tlv(data, 0x7C, what="PACE step 1 dynamic authentication data"):
                raise PACEError("PACE step 1: the command's 7C must be empty", SW_WRONG_DATA)
        except TLVError as exc:
            raise PACEError(str(exc), SW_WRONG_DATA) from exc
        self._nonce = self._rng(nonce_length(self._params))
        return dynamic_data(0x80, _block_encrypt(self._params, self._k_pi, self._nonce))

    def _step2(self, data: bytes) -> bytes:
        assert self._params is not None
        curve = self._params.curve
        mapping_data = parse_dynamic_data(data, 0x81, "step 2")
        if self._params.mapping == "IM":
            self._mapped = integrated_mapping(self._params, self._nonce, mapping_data)
            return dynamic_data(0x82)
        pk_map_ifd = decode_point(curve, mapping_data, "PK_map,IFD")
        self._sk_map = random_scalar(curve, self._rng)
        public = base_multiply(curve, self._sk_map)
        self._mapped = generic_mapping(curve, self._nonce, multiply(curve, self._sk_map, pk_map_ifd))
        return dynamic_data(0x82, encode_point(curve, public))

    def _step3(self, data: bytes) -> bytes:
        assert self._params is not None and self._mapped is not None
        curve = self._params.curve
        self._their_public = parse_dynamic_data(data, 0x83, "step 3")
        pk_ifd = decode_point(curve, self._their_public, "PK_DH,IFD")
        self._sk = random_scalar(curve, self._rng)
        self._public = encode_point(curve, multiply(curve, self._sk, self._mapped))
        self._shared_x = multiply(curve, self._sk, pk_ifd)[0]
        return dynamic_data(0x84, self._public)

    def _step4(self, data: bytes) -> bytes:
        assert self._params is not None
        token = parse_dynamic_data(data, 0x85, "step 4")
        ks_enc, ks_mac, mine, expected = _session(self._params, self._shared_x, self._public, self._their_public)
        if not hmac.compare_digest(token, expected):
            raise PACEAuthenticationError("PACE: the terminal's authentication token does not verify",
                                          SW_AUTH_FAILED)
        self.result = PACEResult(self._params, ks_enc, ks_mac)
        return dynamic_data(0x86, mine)
