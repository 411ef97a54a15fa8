"""EF.CardAccess (ICAO 9303 Part 11 section 9.2.11): the SecurityInfos a chip offers before access
control, PACEInfo above all. Decoding for the terminal and encoding for the virtual chip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mrtd.errors import CardAccessError, TLVError
from mrtd.tlv import encode_tlv, iter_tlv, parse_tlv

FID_CARD_ACCESS = 0x011C
SFI_CARD_ACCESS = 0x1C

_SET, _SEQUENCE, _OID, _INTEGER = 0x31, 0x30, 0x06, 0x02

ID_PACE = "0.4.0.127.0.7.2.2.4"
# id-PACE-<key agreement>-<mapping>: 1 DH-GM, 2 ECDH-GM, 3 DH-IM, 4 ECDH-IM, 6 ECDH-CAM; then the cipher.
PACE_ECDH_GM = f"{ID_PACE}.2"
PACE_ECDH_GM_3DES = f"{PACE_ECDH_GM}.1"
PACE_ECDH_GM_AES_128 = f"{PACE_ECDH_GM}.2"
PACE_ECDH_GM_AES_192 = f"{PACE_ECDH_GM}.3"
PACE_ECDH_GM_AES_256 = f"{PACE_ECDH_GM}.4"
PACE_ECDH_IM = f"{ID_PACE}.4"
PACE_ECDH_IM_3DES = f"{PACE_ECDH_IM}.1"
PACE_ECDH_IM_AES_128 = f"{PACE_ECDH_IM}.2"
PACE_ECDH_IM_AES_192 = f"{PACE_ECDH_IM}.3"
PACE_ECDH_IM_AES_256 = f"{PACE_ECDH_IM}.4"
PACE_MAPPINGS = {"1": "DH-GM", "2": "ECDH-GM", "3": "DH-IM", "4": "ECDH-IM", "6": "ECDH-CAM"}

# Standardized domain parameters (Part 11 section 9.5.1, table 13): the elliptic curves.
PARAMETER_CURVES = {
    8: "secp192r1", 9: "brainpoolP192r1", 10: "secp224r1", 11: "brainpoolP224r1",
    12: "secp256r1", 13: "brainpoolP256r1", 14: "brainpoolP320r1", 15: "secp384r1",
    16: "brainpoolP384r1", 17: "brainpoolP512r1", 18: "secp521r1",
}


# --- object identifiers ---------------------------------------------------------------------


def encode_oid(dotted: str) -> bytes:
    """DER content octets of an OBJECT IDENTIFIER given in dotted form."""
    try:
        arcs = [int(part) for part in dotted.split(".")]
    except ValueError as exc:
        raise CardAccessError(f"OID: not a dotted identifier: {dotted!r}") from exc
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39) or min(arcs) < 0:
        raise CardAccessError(f"OID: invalid first arcs in {dotted!r}")
    out = bytearray()
    for arc in [40 * arcs[0] + arcs[1]] + arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def decode_oid(value: bytes, *, what: str = "OID") -> str:
    """Dotted form of DER OBJECT IDENTIFIER content octets."""
    if not value or value[-1] & 0x80:
        raise CardAccessError(f"{what}: empty or truncated object identifier")
    arcs: list[int] = []
    current = 0
    for index, byte in enumerate(value):
        if current == 0 and byte == 0x80 and (index == 0 or not value[index - 1] & 0x80):
            raise CardAccessError(f"{what}: non-minimal arc encoding")
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(current)
            current = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def _integer(value: bytes, what: str) -> int:
    if not value or (len(value) > 1 and value[0] == 0 and not value[1] & 0x80):
        raise CardAccessError(f"{what}: empty or non-minimal INTEGER")
    if value[0] & 0x80:
        raise CardAccessError(f"{what}: negative INTEGER")
    if len(value) > 4:
        raise CardAccessError(f"{what}: INTEGER too large ({len(value)} bytes)")
    return int.from_bytes(value, "big")


def _encode_integer(number: int) -> bytes:
    return encode_tlv(_INTEGER, number.to_bytes(number.bit_length() // 8 + 1, "big"))


# --- SecurityInfos --------------------------------------------------------------------------


@dataclass(frozen=True)
class PACEInfo:
    """One PACEInfo: protocol OID, version (2 for ICAO), standardized domain parameters id."""

    protocol: str
    version: int
    parameter_id: int | None

    @property
    def mapping(self) -> str | None:
        """DH-GM, ECDH-GM, DH-IM, ECDH-IM or ECDH-CAM; None for an id-PACE OID we do not know."""
        rest = self.protocol[len(ID_PACE) + 1:].split(".")
        return PACE_MAPPINGS.get(rest[0]) if len(rest) == 2 else None

    @property
    def curve_name(self) -> str | None:
        return PARAMETER_CURVES.get(self.parameter_id) if self.parameter_id is not None else None

    def encode(self) -> bytes:
        body = encode_tlv(_OID, encode_oid(self.protocol)) + _encode_integer(self.version)
        if self.parameter_id is not None:
            body += _encode_integer(self.parameter_id)
        return encode_tlv(_SEQUENCE, body)


@dataclass(frozen=True)
class SecurityInfo:
    """Any other SecurityInfo (Chip Authentication, Terminal Authentication, domain parameters...)."""

    protocol: str
    der: bytes


@dataclass(frozen=True)
class CardAccess:
    pace: tuple[PACEInfo, ...]
    others: tuple[SecurityInfo, ...] = ()

    def encode(self) -> bytes:
        return encode_card_access(self.pace, self.others)


def _security_info(der: bytes, value: bytes, index: int) -> PACEInfo | SecurityInfo:
    where = f"EF.CardAccess SecurityInfo #{index}"
    try:
        children = list(iter_tlv(value))
    except TLVError as exc:
        raise CardAccessError(f"{where}: {exc}") from exc
    if len(children) < 2 or len(children) > 3:
        raise CardAccessError(f"{where}: expected 2 or 3 elements, found {len(children)}")
    tag, oid_value = children[0]
    if tag != _OID:
        raise CardAccessError(f"{where}: protocol is not an OBJECT IDENTIFIER (tag {tag:X})")
    protocol = decode_oid(oid_value, what=f"{where} protocol")
    if not protocol.startswith(ID_PACE + "."):
        return SecurityInfo(protocol, der)
    where = f"EF.CardAccess PACEInfo #{index}"
    tags = [t for t, _ in children[1:]]
    if any(t != _INTEGER for t in tags):
        raise CardAccessError(f"{where}: version and parameterId must be INTEGERs (tags {tags})")
    version = _integer(children[1][1], f"{where} version")
    if version != 2:
        raise CardAccessError(f"{where}: version {version}, ICAO 9303 requires 2")
    parameter_id = _integer(children[2][1], f"{where} parameterId") if len(children) == 3 else None
    return PACEInfo(protocol, version, parameter_id)


def decode_card_access(data: bytes) -> CardAccess:
    """SecurityInfos of EF.CardAccess; CardAccessError naming the structure if malformed."""
    try:
        tag, body, end = parse_tlv(bytes(data))
    except TLVError as exc:
        raise CardAccessError(f"EF.CardAccess: {exc}") from exc
    if tag != _SET:
        raise CardAccessError(f"EF.CardAccess: SecurityInfos must be a SET (tag 31), found {tag:X}")
    if end != len(data):
        raise CardAccessError(f"EF.CardAccess: {len(data) - end} bytes after SecurityInfos")
    pace: list[PACEInfo] = []
    others: list[SecurityInfo] = []
    offset = 0
    index = 0
    while offset < len(body):
        start = offset
        try:
            tag, value, offset = parse_tlv(body, offset)
        except TLVError as exc:
            raise CardAccessError(f"EF.CardAccess SecurityInfo #{index}: {exc}") from exc
        if tag != _SEQUENCE:
            raise CardAccessError(f"EF.CardAccess SecurityInfo #{index}: expected SEQUENCE (30), found {tag:X}")
        info = _security_info(body[start:offset], value, index)
        (pace if isinstance(info, PACEInfo) else others).append(info)  # type: ignore[arg-type]
        index += 1
    if not pace:
        raise CardAccessError("EF.CardAccess: no PACEInfo")
    return CardAccess(tuple(pace), tuple(others))


def encode_card_access(pace: Sequence[PACEInfo], others: Sequence[SecurityInfo] = ()) -> bytes:
    """EF.CardAccess for the given PACEInfos (DER: the SET's elements sorted by encoding)."""
    if not pace:
        raise CardAccessError("EF.CardAccess: at least one PACEInfo is needed")
    elements = sorted([p.encode() for p in pace] + [o.der for o in others])
    return encode_tlv(_SET, b"".join(elements))
