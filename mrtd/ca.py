"""Chip Authentication (ICAO 9303 Part 11 section 6.2; BSI TR-03110 CA version 1) with ECDH, both sides.

The terminal reads DG14, sends an ephemeral public key on the domain parameters of the chip's
static Chip Authentication key (MSE:Set KAT for 3DES; MSE:Set AT then GENERAL AUTHENTICATE for
AES), and both sides derive new secure messaging keys from the shared x-coordinate
(KDF of section 9.7.1), the send sequence counter starting again at zero. A chip without the
private key of DG14's public key cannot compute them: its next answer fails the MAC check.

DG14 is parsed here with a small asn1crypto schema (SecurityInfos: ChipAuthenticationInfo,
ChipAuthenticationPublicKeyInfo, ActiveAuthenticationInfo); when mrtd.lds gains its own DG14
decoder this module can use it instead. DH Chip Authentication works the same way with the
group of the chip's DH key (X9.42 dhpublicnumber or PKCS#3 dhKeyAgreement), the shared secret
being Y^x mod p written with the length of p.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

from asn1crypto import core
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mrtd.aa import ID_AA
from mrtd.curves import CURVES, _Curve
from mrtd.errors import CAError, PACEError, PKIError, SecurityInfosError, TLVError
from mrtd.keys import PlainECPublicKey, load_public_key
from mrtd.pace import KDF_ENC, KDF_MAC, base_multiply, decode_point, encode_point, kdf, multiply, random_scalar
from mrtd.sm import SecureMessaging
from mrtd.tlv import encode_tlv, expect_tlv, iter_tlv

DG14_TAG = 0x6E
ID_PK_DH = "0.4.0.127.0.7.2.2.1.1"
ID_PK_ECDH = "0.4.0.127.0.7.2.2.1.2"
ID_CA_DH = "0.4.0.127.0.7.2.2.3.1"
ID_CA_ECDH = "0.4.0.127.0.7.2.2.3.2"
CA_ECDH_3DES = f"{ID_CA_ECDH}.1"
CA_ECDH_AES_128 = f"{ID_CA_ECDH}.2"
CA_ECDH_AES_192 = f"{ID_CA_ECDH}.3"
CA_ECDH_AES_256 = f"{ID_CA_ECDH}.4"
CA_DH_3DES = f"{ID_CA_DH}.1"
CA_DH_AES_128 = f"{ID_CA_DH}.2"
CA_DH_AES_192 = f"{ID_CA_DH}.3"
CA_DH_AES_256 = f"{ID_CA_DH}.4"
_CIPHERS = {CA_ECDH_3DES: ("3DES", 16), CA_ECDH_AES_128: ("AES", 16), CA_ECDH_AES_192: ("AES", 24),
            CA_ECDH_AES_256: ("AES", 32), CA_DH_3DES: ("3DES", 16), CA_DH_AES_128: ("AES", 16),
            CA_DH_AES_192: ("AES", 24), CA_DH_AES_256: ("AES", 32)}
_DH_KEY_OIDS = ("1.2.840.10046.2.1", "1.2.840.113549.1.3.1")  # X9.42 dhpublicnumber, PKCS#3 dhKeyAgreement
SW_OK = 0x9000
SW_WRONG_DATA = 0x6A80
SW_REFERENCED_DATA_NOT_FOUND = 0x6A88
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_CONDITIONS_NOT_SATISFIED = 0x6985
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


# --- DG14 ------------------------------------------------------------------------------------


class _SecurityInfo(core.Sequence):
    _fields = [("protocol", core.ObjectIdentifier), ("required_data", core.Any),
               ("optional_data", core.Any, {"optional": True})]


class _SecurityInfos(core.SetOf):
    _child_spec = _SecurityInfo


@dataclass(frozen=True)
class ChipAuthenticationInfo:
    protocol: str
    version: int
    key_id: int | None = None


@dataclass(frozen=True)
class ChipAuthenticationPublicKeyInfo:
    protocol: str  # id-PK-ECDH or id-PK-DH
    spki_der: bytes
    key_id: int | None = None


@dataclass(frozen=True)
class ActiveAuthenticationInfo:
    version: int
    signature_algorithm: str | None


@dataclass(frozen=True)
class DG14:
    ca_infos: tuple[ChipAuthenticationInfo, ...]
    ca_public_keys: tuple[ChipAuthenticationPublicKeyInfo, ...]
    aa_info: ActiveAuthenticationInfo | None
    others: tuple[str, ...] = ()  # protocols of the SecurityInfos not read here (PACE, TA, ...)


def _integer(value: core.Any, what: str) -> int:
    try:
        number = core.Integer.load(value.dump(), strict=True).native
    except _ASN1_ERRORS as exc:
        raise SecurityInfosError(f"DG14 {what}: not an INTEGER ({exc})") from None
    if not isinstance(number, int) or number < 0:
        raise SecurityInfosError(f"DG14 {what}: not a non-negative INTEGER")
    return number


def decode_dg14(data: bytes) -> DG14:
    """The Chip and Active Authentication SecurityInfos of DG14; SecurityInfosError names what is malformed."""
    try:
        der = expect_tlv(bytes(data), DG14_TAG, what="DG14")
    except TLVError as exc:
        raise SecurityInfosError(f"DG14: {exc}") from exc
    try:
        infos = _SecurityInfos.load(der, strict=True)
        items = [(info["protocol"].dotted, info["required_data"], info["optional_data"]) for info in infos]
    except _ASN1_ERRORS as exc:
        raise SecurityInfosError(f"DG14: SecurityInfos malformed ({exc})") from None
    ca_infos, keys, others = [], [], []
    aa_info = None
    for index, (protocol, required, optional) in enumerate(items):
        where = f"SecurityInfo #{index} ({protocol})"
        has_optional = not isinstance(optional, core.Void)
        if protocol.startswith(ID_CA_DH + ".") or protocol.startswith(ID_CA_ECDH + "."):
            key_id = _integer(optional, f"{where} keyId") if has_optional else None
            ca_infos.append(ChipAuthenticationInfo(protocol, _integer(required, f"{where} version"), key_id))
        elif protocol in (ID_PK_DH, ID_PK_ECDH):
            key_id = _integer(optional, f"{where} keyId") if has_optional else None
            keys.append(ChipAuthenticationPublicKeyInfo(protocol, required.dump(), key_id))
        elif protocol == ID_AA:
            algorithm = None
            if has_optional:
                try:
                    algorithm = core.ObjectIdentifier.load(optional.dump(), strict=True).dotted
                except _ASN1_ERRORS as exc:
                    raise SecurityInfosError(f"DG14 {where} signatureAlgorithm: not an OID ({exc})") from None
            aa_info = ActiveAuthenticationInfo(_integer(required, f"{where} version"), algorithm)
        else:
            others.append(protocol)
    return DG14(tuple(ca_infos), tuple(keys), aa_info, tuple(others))


def _security_info(protocol: str, required: bytes, optional: bytes | None = None) -> bytes:
    body = encode_tlv(0x06, core.ObjectIdentifier(protocol).contents) + required + (optional or b"")
    return encode_tlv(0x30, body)


def _der_integer(number: int) -> bytes:
    return core.Integer(number).dump()


def encode_dg14(*, ca_public_key: "ec.EllipticCurvePublicKey | DHPublicKey | None" = None,
                ca_protocol: str = CA_ECDH_AES_128,
                aa_signature_algorithm: str | None = None, extra: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    """DG14 with a ChipAuthenticationInfo (version 1) and its public key, an ActiveAuthenticationInfo
    (for an ECDSA AA key) and any other SecurityInfos given as DER (PACEInfos)."""
    elements = list(extra)
    if ca_public_key is not None:
        if isinstance(ca_public_key, DHPublicKey):
            spki, pk_protocol = ca_public_key.spki_der(), ID_PK_DH
        else:
            spki = ca_public_key.public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
            pk_protocol = ID_PK_ECDH
        elements.append(_security_info(ca_protocol, _der_integer(1)))
        elements.append(_security_info(pk_protocol, spki))
    if aa_signature_algorithm is not None:
        elements.append(_security_info(ID_AA, _der_integer(1), core.ObjectIdentifier(aa_signature_algorithm).dump()))
    return encode_tlv(DG14_TAG, encode_tlv(0x31, b"".join(sorted(elements))))


# --- choosing and running ----------------------------------------------------------------------


@dataclass(frozen=True)
class CAChoice:
    """What the terminal will run: the protocol, its cipher, and the chip's static key."""

    protocol: str
    cipher: str
    key_length: int
    curve: "_Curve | DHGroup"  # the chip key's domain parameters: an elliptic curve or a DH group
    public_point: tuple[int, int] | int  # the chip's static public key: a point, or Y for DH
    key_id: int | None
    version: int

    @property
    def uses_kat(self) -> bool:
        """3DES runs over MSE:Set KAT (Part 11 section 6.2.4.1); AES over MSE:Set AT + GENERAL AUTHENTICATE."""
        return self.cipher == "3DES"


@dataclass(frozen=True)
class DHGroup:
    """A DH group of a Chip Authentication key: prime p, generator g and (X9.42) subgroup order q."""

    p: int
    g: int
    q: int | None = None

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    @property
    def name(self) -> str:
        return f"DH-{self.p.bit_length()}"


@dataclass(frozen=True)
class DHPublicKey:
    group: DHGroup
    y: int

    def spki_der(self) -> bytes:
        """X9.42 dhpublicnumber SubjectPublicKeyInfo (PKCS#3 dhKeyAgreement when there is no q)."""
        numbers = [self.group.p, self.group.g] + ([self.group.q] if self.group.q else [])
        params = encode_tlv(0x30, b"".join(_der_integer(n) for n in numbers))
        oid = _DH_KEY_OIDS[0] if self.group.q else _DH_KEY_OIDS[1]
        algorithm = encode_tlv(0x30, core.ObjectIdentifier(oid).dump() + params)
        return encode_tlv(0x30, algorithm + encode_tlv(0x03, b"\x00" + _der_integer(self.y)))


@dataclass(frozen=True)
class DHPrivateKey:
    """A chip's static DH Chip Authentication key (the cryptography package deprecates its FFDH)."""

    group: DHGroup
    x: int

    def public_key(self) -> DHPublicKey:
        return DHPublicKey(self.group, pow(self.group.g, self.x, self.group.p))


def _dh_static_key(spki_der: bytes) -> tuple[DHGroup, int]:
    """Group and public value of a DH SubjectPublicKeyInfo, read by hand: asn1crypto does not know
    PKCS#3 dhKeyAgreement."""
    try:
        algorithm, bit_string = [v for _, v in iter_tlv(expect_tlv(spki_der, 0x30, what="SubjectPublicKeyInfo"))]
        (oid_tag, oid_value), (params_tag, params) = list(iter_tlv(algorithm))[:2]
        oid = core.ObjectIdentifier.load(encode_tlv(oid_tag, oid_value), strict=True).dotted
        numbers = [core.Integer.load(encode_tlv(tag, value), strict=True).native
                   for tag, value in list(iter_tlv(params))[:3] if tag == 0x02]
        if not bit_string or bit_string[0] != 0:
            raise ValueError("BIT STRING with unused bits")
        y = core.Integer.load(bytes(bit_string[1:]), strict=True).native
        if params_tag != 0x30:
            raise ValueError("parameters are not a SEQUENCE")
    except (TLVError, *_ASN1_ERRORS) as exc:
        raise CAError(f"ChipAuthenticationPublicKeyInfo: DH key malformed ({exc})") from None
    if oid not in _DH_KEY_OIDS or len(numbers) < 2:
        raise CAError(f"ChipAuthenticationPublicKeyInfo: id-PK-DH with a {oid} key, not DH domain parameters")
    q = numbers[2] if oid == _DH_KEY_OIDS[0] and len(numbers) > 2 else None
    group = DHGroup(numbers[0], numbers[1], q)
    if group.p < 3 or not 1 < group.g < group.p - 1 or not 1 < y < group.p - 1:
        raise CAError("ChipAuthenticationPublicKeyInfo: DH parameters or public value out of range")
    return group, y


def _static_key(info: ChipAuthenticationPublicKeyInfo) -> tuple["_Curve | DHGroup", tuple[int, int] | int]:
    if info.protocol == ID_PK_DH:
        return _dh_static_key(info.spki_der)
    try:
        key = load_public_key(asn1_keys.PublicKeyInfo.load(info.spki_der, strict=True))
    except PKIError as exc:
        raise CAError(f"ChipAuthenticationPublicKeyInfo: {exc}") from exc
    except _ASN1_ERRORS as exc:
        raise CAError(f"ChipAuthenticationPublicKeyInfo: SubjectPublicKeyInfo malformed ({exc})") from None
    if isinstance(key, PlainECPublicKey):
        return CURVES[key.curve_name], (key.x, key.y)
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name not in CURVES:
        raise CAError(f"ChipAuthenticationPublicKeyInfo: not an EC key on a known curve ({type(key).__name__})")
    numbers = key.public_numbers()
    return CURVES[key.curve.name], (numbers.x, numbers.y)


def choose(dg14: DG14) -> CAChoice | None:
    """The ECDH Chip Authentication DG14 offers (the strongest cipher), or None when it offers none.

    A DG14 with a public key but no ChipAuthenticationInfo (EAC 1.11 chips) means 3DES.
    CAError when what DG14 offers cannot be used (a DH key, a malformed key).
    """
    keys = list(dg14.ca_public_keys)
    if not keys:
        return None
    implied = CA_DH_3DES if keys[0].protocol == ID_PK_DH else CA_ECDH_3DES
    infos = [i for i in dg14.ca_infos if i.protocol in _CIPHERS] or (
        [] if dg14.ca_infos else [ChipAuthenticationInfo(implied, 1, keys[0].key_id)])
    if not infos:
        raise CAError(f"Chip Authentication: no supported protocol in {[i.protocol for i in dg14.ca_infos]}")
    info = max(infos, key=lambda i: (i.protocol.startswith(ID_CA_ECDH), _CIPHERS[i.protocol][0] == "AES",
                                     _CIPHERS[i.protocol][1]))
    wanted = ID_PK_DH if info.protocol.startswith(ID_CA_DH + ".") else ID_PK_ECDH
    matching = [k for k in keys if k.protocol == wanted and (info.key_id is None or k.key_id == info.key_id)]
    if not matching:
        raise CAError(f"Chip Authentication: no public key with keyId {info.key_id}")
    curve, point = _static_key(matching[0])
    cipher, key_length = _CIPHERS[info.protocol]
    return CAChoice(info.protocol, cipher, key_length, curve, point, info.key_id, info.version)


def session_keys(cipher: str, key_length: int, shared_x: int, curve: "_Curve | DHGroup") -> SecureMessaging:
    """The new SM session: KS_enc, KS_mac from the shared secret (ECDH x-coordinate, or DH
    Y^x mod p) written with the length of a field element or of p; SSC zero."""
    secret = shared_x.to_bytes(curve.size, "big")
    return SecureMessaging(kdf(secret, KDF_ENC, cipher, key_length), kdf(secret, KDF_MAC, cipher, key_length), 0,
                           cipher=cipher)


_OPENSSL = {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1,
            "secp224r1": ec.SECP224R1, "secp192r1": ec.SECP192R1, "brainpoolP256r1": ec.BrainpoolP256R1,
            "brainpoolP384r1": ec.BrainpoolP384R1, "brainpoolP512r1": ec.BrainpoolP512R1}


def _dh(group: DHGroup, y: int, rng: Callable[[int], bytes]) -> tuple[bytes, int]:
    """(our ephemeral public value, shared secret) in the chip's DH group."""
    order = group.q or group.p - 1
    size = (order.bit_length() + 7) // 8
    for _ in range(64):
        x = int.from_bytes(rng(size), "big") % order
        if x > 1:
            return pow(group.g, x, group.p).to_bytes(group.size, "big"), pow(y, x, group.p)
    raise CAError("CA: the random source keeps giving keys out of range")


def _ecdh(curve: "_Curve | DHGroup", point: tuple[int, int] | int,
          rng: Callable[[int], bytes] | None) -> tuple[bytes, int]:
    """(our ephemeral public point, shared x) with OpenSSL when it knows the curve, ours otherwise."""
    if isinstance(curve, DHGroup):
        assert isinstance(point, int)
        return _dh(curve, point, rng or os.urandom)
    assert isinstance(point, tuple)
    named = _OPENSSL.get(curve.name)
    if named is not None and rng is None:
        private = ec.generate_private_key(named())
        peer = ec.EllipticCurvePublicNumbers(point[0], point[1], named()).public_key()
        public = private.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return public, int.from_bytes(private.exchange(ec.ECDH(), peer), "big")
    sk = random_scalar(curve, rng or os.urandom)
    return encode_point(curve, base_multiply(curve, sk)), multiply(curve, sk, point)[0]


@dataclass
class CATerminal:
    """Terminal side: the APDUs to send and the new SM session once the chip has accepted them.

    `rng` is for replaying worked examples; by default OpenSSL draws the ephemeral key.
    """

    choice: CAChoice
    rng: Callable[[int], bytes] | None = None
    public: bytes = field(init=False)
    _shared_x: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.public, self._shared_x = _ecdh(self.choice.curve, self.choice.public_point, self.rng)

    def _key_ref(self) -> bytes:
        if self.choice.key_id is None:
            return b""
        return encode_tlv(0x84, self.choice.key_id.to_bytes(max(1, (self.choice.key_id.bit_length() + 7) // 8), "big"))

    def commands(self) -> list[bytes]:
        """MSE:Set KAT (3DES), or MSE:Set AT and GENERAL AUTHENTICATE (AES), as plain APDUs."""
        if self.choice.uses_kat:
            return [_apdu(0x41, 0xA6, encode_tlv(0x91, self.public) + self._key_ref())]
        oid = core.ObjectIdentifier(self.choice.protocol).contents
        set_at = _apdu(0x41, 0xA4, encode_tlv(0x80, oid) + self._key_ref())
        ga = bytes((0x00, 0x86, 0x00, 0x00))
        data = encode_tlv(0x7C, encode_tlv(0x80, self.public))
        return [set_at, ga + bytes((len(data),)) + data + b"\x00"]

    def secure_messaging(self) -> SecureMessaging:
        return session_keys(self.choice.cipher, self.choice.key_length, self._shared_x, self.choice.curve)


def _apdu(p1: int, p2: int, data: bytes) -> bytes:
    return bytes((0x00, 0x22, p1, p2, len(data))) + data


@dataclass(frozen=True)
class CAResult:
    """Whether Chip Authentication was run and the chip proved it holds DG14's private key."""

    performed: bool
    verified: bool
    protocol: str | None = None
    reason: str | None = None
    sw: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"performed": self.performed, "verified": self.verified, "protocol": self.protocol,
                "reason": self.reason, "sw": f"{self.sw:04X}" if self.sw is not None else None}


# --- chip side -------------------------------------------------------------------------------


class CAChip:
    """Chip side: the static private key (None for a clone that lacks it) and DG14's offer.

    `mse` and `general_authenticate` return the new SecureMessaging the chip switches to after
    its answer (None when there is nothing to switch yet) and raise CAError with the status word.
    """

    def __init__(self, private_key: ec.EllipticCurvePrivateKey | DHPrivateKey | None, dg14: DG14 | None):
        self.private_key = private_key
        self.dg14 = dg14
        self._protocol: str | None = None

    def reset(self) -> None:
        self._protocol = None

    def _offered(self) -> dict[str, ChipAuthenticationInfo]:
        if self.dg14 is None:
            return {}
        offered = {i.protocol: i for i in self.dg14.ca_infos if i.protocol in _CIPHERS}
        if not self.dg14.ca_infos and self.dg14.ca_public_keys:
            implied = CA_DH_3DES if self.dg14.ca_public_keys[0].protocol == ID_PK_DH else CA_ECDH_3DES
            offered[implied] = ChipAuthenticationInfo(implied, 1)
        return offered

    def _agree(self, protocol: str, public: bytes) -> SecureMessaging:
        if self.private_key is None:
            raise CAError("CA: no Chip Authentication private key", SW_REFERENCED_DATA_NOT_FOUND)
        cipher, key_length = _CIPHERS[protocol]
        if isinstance(self.private_key, DHPrivateKey):
            if not protocol.startswith(ID_CA_DH + "."):
                raise CAError("CA: this chip's key is DH", SW_WRONG_DATA)
            group = self.private_key.group
            y = int.from_bytes(public, "big")
            if len(public) != group.size or not 1 < y < group.p - 1:
                raise CAError("CA ephemeral DH public value: wrong length or out of range", SW_WRONG_DATA)
            return session_keys(cipher, key_length, pow(y, self.private_key.x, group.p), group)
        if not protocol.startswith(ID_CA_ECDH + "."):
            raise CAError("CA: this chip's key is ECDH", SW_WRONG_DATA)
        curve = CURVES.get(self.private_key.curve.name)
        if curve is None:
            raise CAError("CA: the private key's curve is unknown", SW_CONDITIONS_NOT_SATISFIED)
        try:
            point = decode_point(curve, public, "CA ephemeral public key")
        except PACEError as exc:
            raise CAError(str(exc).replace("PACE ", ""), SW_WRONG_DATA) from exc
        peer = ec.EllipticCurvePublicNumbers(point[0], point[1], self.private_key.curve).public_key()
        shared_x = int.from_bytes(self.private_key.exchange(ec.ECDH(), peer), "big")
        return session_keys(cipher, key_length, shared_x, curve)

    def _objects(self, data: bytes, what: str) -> dict[int, bytes]:
        try:
            objects: dict[int, bytes] = {}
            for tag, value in iter_tlv(data):
                if tag in objects:
                    raise CAError(f"{what}: object {tag:02X} repeated", SW_WRONG_DATA)
                objects[tag] = value
            return objects
        except TLVError as exc:
            raise CAError(f"{what}: {exc}", SW_WRONG_DATA) from exc

    def mse(self, p1: int, p2: int, data: bytes) -> SecureMessaging | None:
        """MSE:Set KAT (41 A6: 91 ephemeral key) answers and switches; MSE:Set AT (41 A4: 80 OID) selects."""
        self._protocol = None
        if (p1, p2) == (0x41, 0xA6):
            objects = self._objects(data, "MSE:Set KAT")
            kat = [p for p in (CA_ECDH_3DES, CA_DH_3DES) if p in self._offered()]
            if 0x91 not in objects or not kat:
                raise CAError("MSE:Set KAT: 91 required, and only for 3DES Chip Authentication", SW_WRONG_DATA)
            return self._agree(kat[0], objects[0x91])
        if (p1, p2) == (0x41, 0xA4):
            objects = self._objects(data, "MSE:Set AT")
            offered = {core.ObjectIdentifier(p).contents: p for p in self._offered()}
            if 0x80 not in objects or objects[0x80] not in offered:
                raise CAError("MSE:Set AT: Chip Authentication protocol not offered", SW_WRONG_DATA)
            self._protocol = offered[objects[0x80]]
            return None
        raise CAError("MSE: unknown P1 P2 for Chip Authentication", SW_WRONG_DATA)

    @property
    def selected(self) -> bool:
        return self._protocol is not None

    def general_authenticate(self, data: bytes) -> tuple[bytes, SecureMessaging]:
        """7C { 80 ephemeral key } -> the empty 7C answer and the session to switch to."""
        if self._protocol is None:
            raise CAError("GENERAL AUTHENTICATE without MSE:Set AT", SW_SECURITY_NOT_SATISFIED)
        protocol, self._protocol = self._protocol, None
        try:
            inner = self._objects(expect_tlv(data, 0x7C, what="CA dynamic authentication data"), "CA 7C")
        except TLVError as exc:
            raise CAError(str(exc), SW_WRONG_DATA) from exc
        if set(inner) != {0x80}:
            raise CAError("CA GENERAL AUTHENTICATE: 7C must hold exactly one 80 object", SW_WRONG_DATA)
        return encode_tlv(0x7C, b""), self._agree(protocol, inner[0x80])


__all__ = [
    "CA_DH_3DES", "CA_DH_AES_128", "CA_ECDH_3DES", "CA_ECDH_AES_128", "CA_ECDH_AES_192", "CA_ECDH_AES_256", "DG14", "DHGroup", "DHPrivateKey", "DHPublicKey", "ID_PK_DH", "ID_PK_ECDH",
    "ActiveAuthenticationInfo", "CAChip", "CAChoice", "CAResult", "CATerminal", "ChipAuthenticationInfo",
    "ChipAuthenticationPublicKeyInfo", "choose", "decode_dg14", "encode_dg14", "session_keys",
]
