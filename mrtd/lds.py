"""Logical Data Structure of an eMRTD (ICAO 9303 Part 10): EF.COM, DG1, DG2 (ISO/IEC 19794-5 and
39794-5), DG3, DG7, DG11, DG12, DG14, DG15, EF.SOD; a decoder and a builder for each."""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from asn1crypto import algos, cms, core, x509
from asn1crypto import keys as asn1_keys
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from mrtd import keys
from mrtd.errors import LDSError, MRTDError, TLVError
from mrtd.tlv import encode_tag, encode_tlv, expect_tlv, parse_tlv, tlv_children

# File identifiers inside the eMRTD application (Part 10, section 3.6).
FID: dict[str, int] = {"EF_COM": 0x011E, "EF_SOD": 0x011D}
FID.update({f"DG{n}": 0x0100 + n for n in range(1, 17)})

# Outer tag of each data group, as listed in EF.COM's tag list.
DG_TAG: dict[int, int] = {
    1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
    9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70,
}
TAG_DG: dict[int, int] = {tag: number for number, tag in DG_TAG.items()}
EF_COM_TAG = 0x60
EF_SOD_TAG = 0x77

LDS_SECURITY_OBJECT_OID = "2.23.136.1.1.1"
# eContentTypes an EF.SOD is found with: the ICAO one; the older icao(27) arc of the same object
# (Belgian and French documents, as JMRTD accepts); and plain id-data, which Chinese passports use.
ECONTENT_TYPES = {
    LDS_SECURITY_OBJECT_OID: "ldsSecurityObject",
    "1.3.27.1.1.1": "ldsSecurityObject (icao 27)",
    "1.2.840.113549.1.7.1": "id-data",
}
_HASHES = {"sha1", "sha224", "sha256", "sha384", "sha512"}
# Errors asn1crypto raises on malformed input; they are turned into LDSError at the boundary.
_ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


def dg_number(name: str) -> int:
    """Data group number of a file name such as "DG2"."""
    if not name.startswith("DG") or not name[2:].isdigit() or int(name[2:]) not in DG_TAG:
        raise LDSError(f"{name}: not a data group name (DG1..DG16)")
    return int(name[2:])


# ---------------------------------------------------------------- LDS image on disk


def _aliases(name: str) -> list[str]:
    """File names accepted for an LDS file: ours, ef<FID>.bin and JMRTD's Datagroup<n>.bin."""
    names = [f"{name}.bin", f"ef{FID[name]:04X}.bin", f"ef{FID[name]:04x}.bin"]
    if name.startswith("DG"):
        names.append(f"Datagroup{name[2:]}.bin")
    return names


def read_lds_dir(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """Read an LDS image directory into {"EF_COM": ..., "DG1": ..., "EF_SOD": ...}."""
    directory = Path(path)
    if not directory.is_dir():
        raise LDSError(f"{directory}: not a directory")
    files: dict[str, bytes] = {}
    for name in FID:
        for candidate in _aliases(name):
            file_path = directory / candidate
            if file_path.is_file():
                files[name] = file_path.read_bytes()
                break
    if not files:
        raise LDSError(f"{directory}: no LDS files (EF_COM.bin, DG1.bin, ...)")
    return files


def write_lds_dir(path: str | os.PathLike[str], files: dict[str, bytes]) -> None:
    """Write LDS files as <NAME>.bin; each is written whole then renamed, never half-written."""
    unknown = sorted(set(files) - set(FID))
    if unknown:
        raise LDSError(f"{', '.join(unknown)}: not LDS file names")
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = directory / f"{name}.bin"
        partial = target.with_suffix(".bin.part")
        partial.write_bytes(data)
        partial.replace(target)


# ---------------------------------------------------------------- EF.COM


@dataclass(frozen=True)
class EFCom:
    """EF.COM: LDS and Unicode versions and the tags of the data groups present."""

    lds_version: str
    unicode_version: str
    dg_tags: list[int]
    dg_names: list[str]


def _dotted(digits: bytes, what: str) -> str:
    """"0107" -> "1.7", "040000" -> "4.0.0" (two digits per component)."""
    text = digits.decode("ascii", errors="replace")
    if not text.isdigit() or len(text) % 2:
        raise LDSError(f"EF.COM {what}: {text!r} is not pairs of digits")
    return ".".join(str(int(text[i : i + 2])) for i in range(0, len(text), 2))


def decode_ef_com(data: bytes) -> EFCom:
    """Decode EF.COM (tag 60)."""
    try:
        children = tlv_children(expect_tlv(data, EF_COM_TAG, what="EF.COM"))
    except TLVError as exc:
        raise LDSError(f"EF.COM: {exc}") from exc
    for tag, what in ((0x5F01, "LDS version"), (0x5F36, "Unicode version"), (0x5C, "tag list")):
        if tag not in children:
            raise LDSError(f"EF.COM {what}: missing (tag {tag:X})")
    tags = list(children[0x5C][0])
    unknown = [t for t in tags if t not in TAG_DG]
    if unknown:
        raise LDSError(f"EF.COM tag list: unknown data group tags {[hex(t) for t in unknown]}")
    return EFCom(
        lds_version=_dotted(children[0x5F01][0], "LDS version"),
        unicode_version=_dotted(children[0x5F36][0], "Unicode version"),
        dg_tags=tags,
        dg_names=[f"DG{TAG_DG[t]}" for t in tags],
    )


def encode_ef_com(dg_names: list[str], *, lds_version: str = "0107", unicode_version: str = "040000") -> bytes:
    """EF.COM listing ``dg_names`` (LDS 1.7, Unicode 4.0.0 by default)."""
    tags = bytes(DG_TAG[dg_number(name)] for name in dg_names)
    body = (
        encode_tlv(0x5F01, lds_version.encode("ascii"))
        + encode_tlv(0x5F36, unicode_version.encode("ascii"))
        + encode_tlv(0x5C, tags)
    )
    return encode_tlv(EF_COM_TAG, body)


# ---------------------------------------------------------------- DG1

# MRZ total length -> (lines, characters per line): TD1, TD2/MRV-B, TD3/MRV-A.
_MRZ_SHAPES = {90: (3, 30), 72: (2, 36), 88: (2, 44)}


def encode_dg1(mrz_lines: list[str]) -> bytes:
    """DG1 (tag 61) holding the MRZ as one string (5F1F)."""
    text = "".join(mrz_lines)
    if len(text) not in _MRZ_SHAPES or len(mrz_lines) != _MRZ_SHAPES[len(text)][0]:
        raise LDSError(f"DG1 mrz: {len(mrz_lines)} lines of {len(text)} characters is not TD1, TD2 or TD3")
    return encode_tlv(0x61, encode_tlv(0x5F1F, text.encode("ascii")))


def decode_dg1(data: bytes) -> list[str]:
    """MRZ lines stored in DG1."""
    try:
        children = tlv_children(expect_tlv(data, 0x61, what="DG1"))
    except TLVError as exc:
        raise LDSError(f"DG1: {exc}") from exc
    if 0x5F1F not in children:
        raise LDSError("DG1 mrz: missing (tag 5F1F)")
    raw = children[0x5F1F][0]
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise LDSError("DG1 mrz: not ASCII") from exc
    if len(text) not in _MRZ_SHAPES:
        raise LDSError(f"DG1 mrz: {len(text)} characters is not TD1, TD2 or TD3")
    count, width = _MRZ_SHAPES[len(text)]
    return [text[i * width : (i + 1) * width] for i in range(count)]


# ---------------------------------------------------------------- biometric templates (DG2, DG3)

# Biometric header template (ISO/IEC 7816-11, 19785-3): format owner 0x0101 is ISO/IEC JTC1
# SC37. The optional ICAO header version (80) is left out, as in the issued passports we read.
_FORMAT_OWNER_SC37 = b"\x01\x01"


def _encode_bit_group(outer_tag: int, bdbs: list[tuple[bytes, bytes]] | list[tuple[bytes, bytes, int]]) -> bytes:
    """Biometric information group template 7F61 with one 7F60 per (header, data block[, its tag]):
    5F2E for the binary 19794 records, 7F2E for a DER 39794 block."""
    bits = b""
    for header, data_block, *tag in bdbs:
        bits += encode_tlv(0x7F60, encode_tlv(0xA1, header) + encode_tlv(tag[0] if tag else 0x5F2E, data_block))
    group = encode_tlv(0x02, bytes([len(bdbs)])) + bits
    return encode_tlv(outer_tag, encode_tlv(0x7F61, group))


def _bht(biometric_type: int, subtype: int, format_type: int) -> bytes:
    return (
        encode_tlv(0x81, bytes([biometric_type]))
        + encode_tlv(0x82, bytes([subtype]))
        + encode_tlv(0x87, _FORMAT_OWNER_SC37)
        + encode_tlv(0x88, format_type.to_bytes(2, "big"))
    )


def _decode_bit_group(data: bytes, outer_tag: int, what: str) -> list[bytes]:
    """Biometric data blocks (5F2E) of a DG2/DG3-style group, in order."""
    try:
        group = expect_tlv(expect_tlv(data, outer_tag, what=what), 0x7F61, what=f"{what} template group")
        children = tlv_children(group)
        if 0x02 not in children or len(children[0x02][0]) != 1:
            raise LDSError(f"{what} instance count: missing or not one byte")
        blocks = []
        for bit in children.get(0x7F60, []):
            bit_children = tlv_children(bit)
            if 0x7F2E in bit_children:
                # Constructed: an ISO/IEC 39794 DER block (as ICAO's 39794-5 profile writes it), or
                # enciphered data (ICAO 9303 Part 10), which cannot be read here.
                block = bit_children[0x7F2E][0]
                if block[:1] not in _DER_39794_STARTS:
                    raise LDSError(f"{what}: enciphered biometric data (7F2E) is not supported")
                blocks.append(block)
                continue
            if 0x5F2E not in bit_children:
                raise LDSError(f"{what}: biometric data block (5F2E) missing")
            blocks.append(bit_children[0x5F2E][0])
    except TLVError as exc:
        raise LDSError(f"{what}: {exc}") from exc
    if len(blocks) != children[0x02][0][0]:
        raise LDSError(f"{what} instance count: says {children[0x02][0][0]}, found {len(blocks)}")
    return blocks


# First byte of an ISO/IEC 39794 DER data block: [1] around it (ICAO samples) or [APPLICATION 5].
_DER_39794_STARTS = (b"\xa1", b"\x65")


class _Reader:
    """Cursor over a fixed-layout binary record; short input raises LDSError naming the record."""

    def __init__(self, data: bytes, what: str):
        self.data, self.offset, self.what = data, 0, what

    def take(self, size: int, field_name: str) -> bytes:
        if size < 0 or self.offset + size > len(self.data):
            raise LDSError(f"{self.what} {field_name}: truncated at byte {self.offset}")
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

    def uint(self, size: int, field_name: str) -> int:
        return int.from_bytes(self.take(size, field_name), "big")


# ---------------------------------------------------------------- DG2: ISO/IEC 19794-5 face


_FACE_IMAGE_TYPES = {0: "jpeg", 1: "jpeg2000"}
_FACE_IMAGE_CODES = {name: code for code, name in _FACE_IMAGE_TYPES.items()}


@dataclass(frozen=True)
class FaceImage:
    """One facial image of an ISO/IEC 19794-5:2005 record, with the header fields kept."""

    image_bytes: bytes
    image_type: str  # "jpeg" | "jpeg2000"
    width: int
    height: int
    gender: int = 0  # 0 unspecified, 1 male, 2 female, 0xFF unknown
    eye_color: int = 0
    hair_color: int = 0
    feature_mask: int = 0
    expression: int = 0
    pose_angle: tuple[int, int, int] = (0, 0, 0)
    pose_angle_uncertainty: tuple[int, int, int] = (0, 0, 0)
    feature_points: tuple[bytes, ...] = ()  # 8 bytes each, kept as found
    face_image_type: int = 1  # 1 = full frontal
    color_space: int = 1  # 1 = 24-bit RGB
    source_type: int = 2  # 2 = digital still camera
    device_type: int = 0
    quality: int = 0
    record_format: str = "ISO/IEC 19794-5"  # or "ISO/IEC 39794-5" (the DER face image data block)


FORMAT_19794_5 = "ISO/IEC 19794-5"
FORMAT_39794_5 = "ISO/IEC 39794-5"


def _encode_face_block(image: FaceImage) -> bytes:
    if image.image_type not in _FACE_IMAGE_CODES:
        raise LDSError(f"DG2 image_type: {image.image_type!r} is not jpeg or jpeg2000")
    points = b"".join(image.feature_points)
    header = struct.pack(
        ">HBBB3sH3s3s",
        len(image.feature_points),
        image.gender,
        image.eye_color,
        image.hair_color,
        image.feature_mask.to_bytes(3, "big"),
        image.expression,
        bytes(image.pose_angle),
        bytes(image.pose_angle_uncertainty),
    )
    info = struct.pack(
        ">BBHHBBHH",
        image.face_image_type,
        _FACE_IMAGE_CODES[image.image_type],
        image.width,
        image.height,
        image.color_space,
        image.source_type,
        image.device_type,
        image.quality,
    )
    body = header + points + info + image.image_bytes
    return struct.pack(">I", 4 + len(body)) + body


def encode_face_record(images: list[FaceImage]) -> bytes:
    """ISO/IEC 19794-5:2005 face record ("FAC", version 010) holding ``images``."""
    blocks = b"".join(_encode_face_block(image) for image in images)
    return b"FAC\x00010\x00" + struct.pack(">IH", 14 + len(blocks), len(images)) + blocks


def _decode_face_block(reader: _Reader) -> FaceImage:
    start = reader.offset
    block_length = reader.uint(4, "block length")
    n_points = reader.uint(2, "feature point count")
    gender, eye, hair = reader.take(3, "gender/eye/hair")
    mask = reader.uint(3, "feature mask")
    expression = reader.uint(2, "expression")
    pose = tuple(reader.take(3, "pose angle"))
    uncertainty = tuple(reader.take(3, "pose angle uncertainty"))
    points = tuple(reader.take(8, "feature point") for _ in range(n_points))
    face_type, data_type = reader.take(2, "image information")
    width, height = reader.uint(2, "width"), reader.uint(2, "height")
    color_space, source_type = reader.take(2, "image information")
    device_type, quality = reader.uint(2, "device type"), reader.uint(2, "quality")
    if data_type not in _FACE_IMAGE_TYPES:
        raise LDSError(f"DG2 image data type: {data_type} is not JPEG (0) or JPEG 2000 (1)")
    image = reader.take(block_length - (reader.offset - start), "image data")
    return FaceImage(
        image_bytes=image, image_type=_FACE_IMAGE_TYPES[data_type], width=width, height=height,
        gender=gender, eye_color=eye, hair_color=hair, feature_mask=mask, expression=expression,
        pose_angle=pose, pose_angle_uncertainty=uncertainty, feature_points=points,  # type: ignore[arg-type]
        face_image_type=face_type, color_space=color_space, source_type=source_type,
        device_type=device_type, quality=quality,
    )


def decode_face_record(data: bytes) -> list[FaceImage]:
    """Images of an ISO/IEC 19794-5:2005 face record."""
    reader = _Reader(data, "DG2 face record")
    if reader.take(4, "format identifier") != b"FAC\x00":
        raise LDSError("DG2 face record format identifier: not 'FAC' (ISO/IEC 39794-5 is not supported)")
    reader.take(4, "version")
    record_length = reader.uint(4, "record length")
    count = reader.uint(2, "image count")
    if record_length != len(data):
        raise LDSError(f"DG2 face record length: says {record_length}, block has {len(data)}")
    return [_decode_face_block(reader) for _ in range(count)]


def encode_dg2(images: list[FaceImage]) -> bytes:
    """DG2 (tag 75): one biometric information template per face image, each in its record format
    (ISO/IEC 19794-5 by default, 39794-5 when the image's ``record_format`` says so)."""
    if not images:
        raise LDSError("DG2 images: at least one face image is required")
    bdbs = []
    for image in images:
        # Biometric type 2 = facial features; format type 0x0008 = ISO/IEC 19794-5.
        if image.record_format == FORMAT_19794_5:
            bdbs.append((_bht(0x02, 0x00, 0x0008), encode_face_record([image])))
        elif image.record_format == FORMAT_39794_5:
            bdbs.append((_bht(0x02, 0x00, _FORMAT_TYPE_39794_5), encode_face_record_39794([image]), 0x7F2E))
        else:
            raise LDSError(f"DG2 record_format: {image.record_format!r} is not {FORMAT_19794_5} or {FORMAT_39794_5}")
    return _encode_bit_group(0x75, bdbs)


def decode_dg2(data: bytes) -> list[FaceImage]:
    """Every face image of DG2, whichever of ISO/IEC 19794-5 or 39794-5 each block is written in
    (told apart by the block itself: "FAC" or a DER face image data block)."""
    images: list[FaceImage] = []
    for block in _decode_bit_group(data, 0x75, "DG2"):
        if block[:1] in _DER_39794_STARTS:
            images.extend(decode_face_record_39794(block))
        else:
            images.extend(decode_face_record(block))
    return images


# ---------------------------------------------------------------- DG2: ISO/IEC 39794-5 face (DER)
#
# FaceImageDataBlock ::= [APPLICATION 5] SEQUENCE { versionBlock [0], representationBlocks [1] }
# (ID-ICAO-ISO-IEC-39794-5-ed-1-v1, implicit tags; a tagged CHOICE keeps its own tag inside). The
# ICAO application-profile samples wrap it in [1] (A1) and DG2 carries it under the constructed
# biometric data block tag 7F2E (as gmrtd reads ICAO's samples); both forms are read, either
# tag; A1 under 7F2E is written.
# The CBEFF format type written in the header (0x0040) is an assumption: decoding never relies on it.

_FORMAT_TYPE_39794_5 = 0x0040
_VERSION_39794_5 = (3, 2019)  # generation, year of the edition written by encode_face_record_39794
_IMAGE_FORMATS_39794 = {2: "jpeg", 3: "jpeg2000", 4: "jpeg2000"}  # jpeg, jpeg2000Lossy, jpeg2000Lossless
_IMAGE_CODES_39794 = {"jpeg": 2, "jpeg2000": 3}
_GENDER_39794 = {2: 1, 3: 2}  # 39794 male/female -> the 19794 codes FaceImage keeps


def _der_int(value: int) -> bytes:
    return value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)


def _ctx(number: int, value: bytes, *, constructed: bool = False) -> bytes:
    return encode_tlv((0xA0 if constructed else 0x80) | number, value)


def _children_39794(value: bytes, what: str) -> dict[int, list[bytes]]:
    try:
        return tlv_children(value)
    except TLVError as exc:
        raise LDSError(f"DG2 39794-5 {what}: {exc}") from exc


def _one(children: dict[int, list[bytes]], tag: int, what: str) -> bytes:
    values = children.get(tag)
    if not values:
        raise LDSError(f"DG2 39794-5 {what}: missing (tag {tag:X})")
    return values[0]


def _int_39794(value: bytes, what: str) -> int:
    if not value:
        raise LDSError(f"DG2 39794-5 {what}: empty INTEGER")
    return int.from_bytes(value, "big", signed=True)


def encode_face_record_39794(images: list[FaceImage]) -> bytes:
    """ISO/IEC 39794-5 face image data block (DER) with one representation per image."""
    reps = b""
    for index, image in enumerate(images):
        if image.image_type not in _IMAGE_CODES_39794:
            raise LDSError(f"DG2 image_type: {image.image_type!r} is not jpeg or jpeg2000")
        info = (_ctx(0, _ctx(0, _der_int(_IMAGE_CODES_39794[image.image_type])), constructed=True)
                + _ctx(7, _ctx(0, _der_int(image.width)) + _ctx(1, _der_int(image.height)), constructed=True))
        block_2d = _ctx(0, image.image_bytes) + _ctx(1, info, constructed=True)
        representation = _ctx(0, _der_int(index)) + _ctx(1, _ctx(0, _ctx(0, block_2d, constructed=True),
                                                                 constructed=True), constructed=True)
        gender = {1: 2, 2: 3}.get(image.gender)
        if gender is not None:
            gender_block = _ctx(0, _ctx(1, _ctx(0, _der_int(gender)), constructed=True), constructed=True)
            representation += _ctx(8, gender_block, constructed=True)
        reps += encode_tlv(0x30, representation)
    generation, year = _VERSION_39794_5
    version = _ctx(0, _ctx(0, _der_int(generation)) + _ctx(1, _der_int(year)), constructed=True)
    return encode_tlv(0xA1, encode_tlv(0x65, version + _ctx(1, reps, constructed=True)))


def decode_face_record_39794(data: bytes) -> list[FaceImage]:
    """Images of an ISO/IEC 39794-5 face image data block ([APPLICATION 5], bare or inside A1)."""
    try:
        tag, value, end = parse_tlv(data)
        if tag == 0xA1:
            if end != len(data):
                raise LDSError("DG2 39794-5 block: bytes after the data block")
            data = value
            tag, value, end = parse_tlv(data)
    except TLVError as exc:
        raise LDSError(f"DG2 39794-5 block: {exc}") from exc
    if tag != 0x65:
        raise LDSError(f"DG2 39794-5 block: expected a face image data block (tag 65), found {tag:X}")
    if end != len(data):
        raise LDSError("DG2 39794-5 block: bytes after the face image data block")
    top = _children_39794(value, "face image data block")
    version = _children_39794(_one(top, 0xA0, "version block"), "version block")
    _int_39794(_one(version, 0x80, "version generation"), "version generation")
    images = []
    for representation in _children_39794(_one(top, 0xA1, "representation blocks"), "representation blocks").get(0x30, []):
        images.append(_decode_representation_39794(_children_39794(representation, "representation block")))
    if not images:
        raise LDSError("DG2 39794-5 representation blocks: none")
    return images


def _decode_representation_39794(rep: dict[int, list[bytes]]) -> FaceImage:
    choice = _children_39794(_one(rep, 0xA1, "image representation"), "image representation")
    base = _children_39794(_one(choice, 0xA0, "image representation base (2D)"), "image representation base")
    block = _children_39794(_one(base, 0xA0, "2D image representation"), "2D image representation")
    image_bytes = _one(block, 0x80, "representation data 2D (the image)")
    info = _children_39794(_one(block, 0xA1, "2D image information"), "2D image information")
    data_format = _children_39794(_one(info, 0xA0, "image data format"), "image data format")
    if 0x80 not in data_format:
        raise LDSError("DG2 39794-5 image data format: an extension block, not a known code")
    code = _int_39794(data_format[0x80][0], "image data format")
    if code not in _IMAGE_FORMATS_39794:
        raise LDSError(f"DG2 39794-5 image data format: code {code} is not JPEG (2) or JPEG 2000 (3, 4)")
    width = height = 0
    if 0xA7 in info:
        size = _children_39794(info[0xA7][0], "image size block")
        width = _int_39794(_one(size, 0x80, "image width"), "image width")
        height = _int_39794(_one(size, 0x81, "image height"), "image height")
    gender = 0
    if 0xA8 in rep:
        metadata = _children_39794(rep[0xA8][0], "identity metadata block")
        if 0xA0 in metadata:
            extension = _children_39794(metadata[0xA0][0], "gender")
            if 0xA1 in extension:
                fallback = _children_39794(extension[0xA1][0], "gender extension block")
                gender = _GENDER_39794.get(_int_39794(_one(fallback, 0x80, "gender code"), "gender code"), 0)
    if not image_bytes:
        raise LDSError("DG2 39794-5 representation data 2D: empty image")
    return FaceImage(image_bytes=image_bytes, image_type=_IMAGE_FORMATS_39794[code], width=width, height=height,
                     gender=gender, record_format=FORMAT_39794_5)


# ---------------------------------------------------------------- DG3: ISO/IEC 19794-4 fingers


_FINGER_COMPRESSIONS = {0: "uncompressed", 1: "bitpacked", 2: "wsq", 3: "jpeg", 4: "jpeg2000", 5: "png"}
_FINGER_CODES = {name: code for code, name in _FINGER_COMPRESSIONS.items()}


@dataclass(frozen=True)
class FingerImage:
    """One finger view of an ISO/IEC 19794-4:2005 record; ``position`` is the ISO code (1-10)."""

    position: int
    image_bytes: bytes
    compression: str  # "wsq" | "png" | "jpeg" | "jpeg2000" | "uncompressed" | "bitpacked"
    width: int
    height: int
    resolution_ppi: int = 500
    pixel_depth: int = 8
    quality: int = 0
    impression_type: int = 0  # 0 = live-scan plain
    view_number: int = 1
    acquisition_level: int = 31
    capture_device_id: int = 0


def encode_finger_record(image: FingerImage) -> bytes:
    """ISO/IEC 19794-4:2005 finger record ("FIR", version 010) with one finger view."""
    if image.compression not in _FINGER_CODES:
        raise LDSError(f"DG3 compression: {image.compression!r} is not one of {sorted(_FINGER_CODES)}")
    view = struct.pack(
        ">IBBBBBHHB",
        14 + len(image.image_bytes),
        image.position,
        1,
        image.view_number,
        image.quality,
        image.impression_type,
        image.width,
        image.height,
        0,
    ) + image.image_bytes
    ppi = image.resolution_ppi
    header = b"FIR\x00010\x00" + (32 + len(view)).to_bytes(6, "big") + struct.pack(
        ">HHBBHHHHBBH",
        image.capture_device_id,
        image.acquisition_level,
        1,
        1,  # scale units: pixels per inch
        ppi, ppi, ppi, ppi,
        image.pixel_depth,
        _FINGER_CODES[image.compression],
        0,
    )
    return header + view


def decode_finger_record(data: bytes) -> list[FingerImage]:
    """Finger views of an ISO/IEC 19794-4:2005 record."""
    reader = _Reader(data, "DG3 finger record")
    if reader.take(4, "format identifier") != b"FIR\x00":
        raise LDSError("DG3 finger record format identifier: not 'FIR'")
    reader.take(4, "version")
    record_length = reader.uint(6, "record length")
    if record_length != len(data):
        raise LDSError(f"DG3 finger record length: says {record_length}, block has {len(data)}")
    device, level = reader.uint(2, "capture device"), reader.uint(2, "acquisition level")
    count = reader.uint(1, "finger count")
    reader.take(1, "scale units")
    ppi = reader.uint(2, "scan resolution")
    reader.take(6, "resolutions")
    depth, compression = reader.take(2, "depth/compression")
    reader.take(2, "reserved")
    if compression not in _FINGER_COMPRESSIONS:
        raise LDSError(f"DG3 compression: unknown code {compression}")
    images = []
    for _ in range(count):
        start = reader.offset
        length = reader.uint(4, "view length")
        position, _views, view_number, quality, impression = reader.take(5, "view header")
        width, height = reader.uint(2, "width"), reader.uint(2, "height")
        reader.take(1, "reserved")
        image = reader.take(length - (reader.offset - start), "image data")
        images.append(FingerImage(
            position=position, image_bytes=image, compression=_FINGER_COMPRESSIONS[compression],
            width=width, height=height, resolution_ppi=ppi, pixel_depth=depth, quality=quality,
            impression_type=impression, view_number=view_number, acquisition_level=level,
            capture_device_id=device,
        ))
    return images


def encode_dg3(images: list[FingerImage]) -> bytes:
    """DG3 (tag 63): one biometric information template per finger view."""
    if not images:
        raise LDSError("DG3 images: at least one finger image is required")
    bdbs = []
    for image in images:
        if not 0 <= image.position <= 10:
            raise LDSError(f"DG3 position: {image.position} is not an ISO finger position (0-10)")
        # Biometric type 8 = fingerprint; subtype carries the finger; format 0x0007 = 19794-4.
        bdbs.append((_bht(0x08, _finger_subtype(image.position), 0x0007), encode_finger_record(image)))
    return _encode_bit_group(0x63, bdbs)


def _finger_subtype(position: int) -> int:
    """ISO/IEC 19785-3 subtype: bit 1 right/left, bits 3-5 finger (thumb..little)."""
    if position == 0:
        return 0
    side = 0x01 if position <= 5 else 0x02
    finger = (position - 1) % 5 + 1  # 1 thumb .. 5 little
    return side | (finger << 2)


def decode_dg3(data: bytes) -> list[FingerImage]:
    """Every finger view of DG3."""
    return [image for block in _decode_bit_group(data, 0x63, "DG3") for image in decode_finger_record(block)]


# ---------------------------------------------------------------- DG7: displayed signature


def encode_dg7(images: list[bytes]) -> bytes:
    """DG7 (tag 67): displayed signature or usual mark images (5F43)."""
    if not images or len(images) > 255:
        raise LDSError("DG7 images: between 1 and 255 images are required")
    body = encode_tlv(0x02, bytes([len(images)])) + b"".join(encode_tlv(0x5F43, image) for image in images)
    return encode_tlv(0x67, body)


def decode_dg7(data: bytes) -> list[bytes]:
    """Signature images of DG7."""
    try:
        children = tlv_children(expect_tlv(data, 0x67, what="DG7"))
    except TLVError as exc:
        raise LDSError(f"DG7: {exc}") from exc
    images = children.get(0x5F43, [])
    if 0x02 not in children or list(children[0x02][0]) != [len(images)]:
        raise LDSError(f"DG7 image count: does not match the {len(images)} images present")
    return images


# ---------------------------------------------------------------- DG11, DG12: additional details


def _dg_children(data: bytes, tag: int, what: str) -> dict[int, list[bytes]]:
    try:
        return tlv_children(expect_tlv(data, tag, what=what))
    except TLVError as exc:
        raise LDSError(f"{what}: {exc}") from exc


def _text(value: bytes, what: str) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise LDSError(f"{what}: not UTF-8 text") from None


def _digits(value: bytes, size: int, what: str) -> str:
    """``size`` digits, written as ASCII (ICAO) or packed BCD in half as many bytes (some issuers)."""
    if len(value) * 2 == size and value.hex().isdigit():
        return value.hex()
    text = _text(value, what)
    if len(text) != size or not text.isdigit():
        raise LDSError(f"{what}: {size} digits expected")
    return text


def _counted_list(children: dict[int, list[bytes]], item_tag: int, what: str) -> tuple[str, ...]:
    """The A0 template of DG11 other names / DG12 other persons: a count (02) and its items. Some
    issuers (China) put the items at the top level instead, without A0 or count: read them too."""
    if 0xA0 not in children:
        return tuple(_text(value, what) for value in children.get(item_tag, []))
    try:
        inner = tlv_children(children[0xA0][0])
    except TLVError as exc:
        raise LDSError(f"{what}: {exc}") from exc
    items = tuple(_text(value, what) for value in inner.get(item_tag, []))
    if 0x02 not in inner or list(inner[0x02][0]) != [len(items)]:
        raise LDSError(f"{what}: the count does not match the {len(items)} names present")
    return items


def _tag_list(children: dict[int, list[bytes]], what: str) -> tuple[int, ...]:
    if 0x5C not in children:
        return ()
    raw = children[0x5C][0]
    tags, offset = [], 0
    while offset < len(raw):
        if raw[offset] & 0x1F == 0x1F:
            if offset + 1 >= len(raw):
                raise LDSError(f"{what} tag list: truncated tag")
            tags.append(int.from_bytes(raw[offset:offset + 2], "big"))
            offset += 2
        else:
            tags.append(raw[offset])
            offset += 1
    return tuple(tags)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in text.split("<") if part) if text else ()


def _optional(children: dict[int, list[bytes]], tag: int, what: str) -> str | None:
    return _text(children[tag][0], what) if tag in children else None


def _date(text: str | None) -> date | None:
    """A CCYYMMDD date, or None when absent or partly unknown (issuers write 00 for unknown parts)."""
    if text is None:
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


@dataclass(frozen=True)
class AdditionalPersonalDetails:
    """DG11 (tag 6B): additional personal details, each element as the chip holds it."""

    full_name: str | None = None  # 5F0E, primary<<secondary as in the MRZ but without truncation
    other_names: tuple[str, ...] = ()  # A0 / 5F0F
    personal_number: str | None = None  # 5F10
    full_date_of_birth: str | None = None  # 5F2B, CCYYMMDD
    place_of_birth: tuple[str, ...] = ()  # 5F11, fields separated by '<'
    address: tuple[str, ...] = ()  # 5F42, fields separated by '<'
    telephone: str | None = None  # 5F12
    profession: str | None = None  # 5F13
    title: str | None = None  # 5F14
    personal_summary: str | None = None  # 5F15
    proof_of_citizenship: bytes | None = field(default=None, repr=False)  # 5F16, an image
    other_travel_documents: tuple[str, ...] = ()  # 5F17, other valid TD numbers
    custody_information: str | None = None  # 5F18
    tag_list: tuple[int, ...] = ()  # 5C, as found

    @property
    def birth_date(self) -> date | None:
        return _date(self.full_date_of_birth)


_DG11_TEXT = {0x5F0E: "full_name", 0x5F10: "personal_number", 0x5F12: "telephone", 0x5F13: "profession",
              0x5F14: "title", 0x5F15: "personal_summary", 0x5F18: "custody_information"}
_DG11_LISTS = {0x5F11: "place_of_birth", 0x5F42: "address", 0x5F17: "other_travel_documents"}


def decode_dg11(data: bytes) -> AdditionalPersonalDetails:
    """DG11: additional personal details (ICAO 9303 Part 10, 4.7.11)."""
    children = _dg_children(data, 0x6B, "DG11")
    values: dict[str, object] = {}
    for tag, name in _DG11_TEXT.items():
        values[name] = _optional(children, tag, f"DG11 {name}")
    for tag, name in _DG11_LISTS.items():
        values[name] = _split(_optional(children, tag, f"DG11 {name}"))
    if 0x5F2B in children:
        values["full_date_of_birth"] = _digits(children[0x5F2B][0], 8, "DG11 full date of birth")
    return AdditionalPersonalDetails(
        **values,  # type: ignore[arg-type]
        other_names=_counted_list(children, 0x5F0F, "DG11 other names"),
        proof_of_citizenship=children[0x5F16][0] if 0x5F16 in children else None,
        tag_list=_tag_list(children, "DG11"),
    )


def _encode_elements(elements: list[tuple[int, bytes | None]]) -> tuple[bytes, bytes]:
    """(tag list value, the elements' TLVs) of the elements that are present."""
    present = [(tag, value) for tag, value in elements if value is not None]
    return (b"".join(encode_tag(tag) for tag, _ in present),
            b"".join(encode_tlv(tag, value) for tag, value in present))


def _utf8(text: str | None) -> bytes | None:
    return text.encode("utf-8") if text is not None else None


def _joined(parts: tuple[str, ...] | list[str]) -> bytes | None:
    return "<".join(parts).encode("utf-8") if parts else None


def _counted(tag: int, items: tuple[str, ...] | list[str], what: str) -> bytes | None:
    if not items:
        return None
    if len(items) > 255:
        raise LDSError(f"{what}: at most 255")
    return encode_tlv(0x02, bytes([len(items)])) + b"".join(encode_tlv(tag, item.encode("utf-8")) for item in items)


def encode_dg11(details: AdditionalPersonalDetails) -> bytes:
    """DG11 (tag 6B) holding the elements of ``details`` that are set, with their tag list."""
    if details.full_date_of_birth is not None and not (
            len(details.full_date_of_birth) == 8 and details.full_date_of_birth.isdigit()):
        raise LDSError("DG11 full date of birth: CCYYMMDD expected")
    tags, body = _encode_elements([
        (0x5F0E, _utf8(details.full_name)),
        (0xA0, _counted(0x5F0F, details.other_names, "DG11 other names")),
        (0x5F10, _utf8(details.personal_number)),
        (0x5F2B, _utf8(details.full_date_of_birth)),
        (0x5F11, _joined(details.place_of_birth)),
        (0x5F42, _joined(details.address)),
        (0x5F12, _utf8(details.telephone)),
        (0x5F13, _utf8(details.profession)),
        (0x5F14, _utf8(details.title)),
        (0x5F15, _utf8(details.personal_summary)),
        (0x5F16, details.proof_of_citizenship),
        (0x5F17, _joined(details.other_travel_documents)),
        (0x5F18, _utf8(details.custody_information)),
    ])
    return encode_tlv(0x6B, encode_tlv(0x5C, tags) + body)


@dataclass(frozen=True)
class AdditionalDocumentDetails:
    """DG12 (tag 6C): additional document details."""

    issuing_authority: str | None = None  # 5F19
    date_of_issue: str | None = None  # 5F26, CCYYMMDD
    other_persons: tuple[str, ...] = ()  # A0 / 5F1A, names of other persons on the document
    endorsements: str | None = None  # 5F1B, endorsements and observations
    tax_exit_requirements: str | None = None  # 5F1C
    image_of_front: bytes | None = field(default=None, repr=False)  # 5F1D
    image_of_rear: bytes | None = field(default=None, repr=False)  # 5F1E
    personalization_time: str | None = None  # 5F55, CCYYMMDDhhmmss
    personalization_device_serial: str | None = None  # 5F56
    tag_list: tuple[int, ...] = ()

    @property
    def issue_date(self) -> date | None:
        return _date(self.date_of_issue)

    @property
    def personalized_at(self) -> datetime | None:
        if self.personalization_time is None:
            return None
        try:
            return datetime.strptime(self.personalization_time, "%Y%m%d%H%M%S")
        except ValueError:
            return None


def decode_dg12(data: bytes) -> AdditionalDocumentDetails:
    """DG12: additional document details (ICAO 9303 Part 10, 4.7.12)."""
    children = _dg_children(data, 0x6C, "DG12")
    return AdditionalDocumentDetails(
        issuing_authority=_optional(children, 0x5F19, "DG12 issuing authority"),
        date_of_issue=_digits(children[0x5F26][0], 8, "DG12 date of issue") if 0x5F26 in children else None,
        other_persons=_counted_list(children, 0x5F1A, "DG12 other persons"),
        endorsements=_optional(children, 0x5F1B, "DG12 endorsements"),
        tax_exit_requirements=_optional(children, 0x5F1C, "DG12 tax/exit requirements"),
        image_of_front=children[0x5F1D][0] if 0x5F1D in children else None,
        image_of_rear=children[0x5F1E][0] if 0x5F1E in children else None,
        personalization_time=(_digits(children[0x5F55][0], 14, "DG12 personalization time")
                              if 0x5F55 in children else None),
        personalization_device_serial=_optional(children, 0x5F56, "DG12 personalization device serial"),
        tag_list=_tag_list(children, "DG12"),
    )


def encode_dg12(details: AdditionalDocumentDetails) -> bytes:
    """DG12 (tag 6C) holding the elements of ``details`` that are set, with their tag list."""
    for text, size, what in ((details.date_of_issue, 8, "date of issue"),
                             (details.personalization_time, 14, "personalization time")):
        if text is not None and not (len(text) == size and text.isdigit()):
            raise LDSError(f"DG12 {what}: {size} digits expected")
    tags, body = _encode_elements([
        (0x5F19, _utf8(details.issuing_authority)),
        (0x5F26, _utf8(details.date_of_issue)),
        (0xA0, _counted(0x5F1A, details.other_persons, "DG12 other persons")),
        (0x5F1B, _utf8(details.endorsements)),
        (0x5F1C, _utf8(details.tax_exit_requirements)),
        (0x5F1D, details.image_of_front),
        (0x5F1E, details.image_of_rear),
        (0x5F55, _utf8(details.personalization_time)),
        (0x5F56, _utf8(details.personalization_device_serial)),
    ])
    return encode_tlv(0x6C, encode_tlv(0x5C, tags) + body)


# ---------------------------------------------------------------- DG14: security infos

_BSI = "0.4.0.127.0.7.2.2"
ID_AA = "2.23.136.1.1.5"
ID_PK_DH, ID_PK_ECDH = f"{_BSI}.1.1", f"{_BSI}.1.2"
ID_TA = f"{_BSI}.2"
# Protocol OIDs by name (BSI TR-03110 / ICAO 9303 Part 11, 9.2).
CA_PROTOCOLS = {
    f"{_BSI}.3.1.1": "id-CA-DH-3DES-CBC-CBC", f"{_BSI}.3.1.2": "id-CA-DH-AES-CBC-CMAC-128",
    f"{_BSI}.3.1.3": "id-CA-DH-AES-CBC-CMAC-192", f"{_BSI}.3.1.4": "id-CA-DH-AES-CBC-CMAC-256",
    f"{_BSI}.3.2.1": "id-CA-ECDH-3DES-CBC-CBC", f"{_BSI}.3.2.2": "id-CA-ECDH-AES-CBC-CMAC-128",
    f"{_BSI}.3.2.3": "id-CA-ECDH-AES-CBC-CMAC-192", f"{_BSI}.3.2.4": "id-CA-ECDH-AES-CBC-CMAC-256",
}
_PACE_MAPPINGS = {1: "DH-GM", 2: "ECDH-GM", 3: "DH-IM", 4: "ECDH-IM", 6: "ECDH-CAM"}
_PACE_CIPHERS = {1: "3DES-CBC-CBC", 2: "AES-CBC-CMAC-128", 3: "AES-CBC-CMAC-192", 4: "AES-CBC-CMAC-256"}
PACE_PROTOCOLS = {f"{_BSI}.4.{m}.{c}": f"id-PACE-{mapping}-{cipher}"
                  for m, mapping in _PACE_MAPPINGS.items() for c, cipher in _PACE_CIPHERS.items()}
PACE_DOMAIN_PROTOCOLS = {f"{_BSI}.4.{m}": f"id-PACE-{mapping}" for m, mapping in _PACE_MAPPINGS.items()}
# Active Authentication signature algorithms (ecdsa-plain or ecdsa-with; RSA has none: ISO/IEC 9796-2).
_AA_SIGNATURES = {"0.4.0.127.0.7.1.1.4.1.1": "ecdsa-plain-SHA1", "0.4.0.127.0.7.1.1.4.1.2": "ecdsa-plain-SHA224",
                  "0.4.0.127.0.7.1.1.4.1.3": "ecdsa-plain-SHA256", "0.4.0.127.0.7.1.1.4.1.4": "ecdsa-plain-SHA384",
                  "0.4.0.127.0.7.1.1.4.1.5": "ecdsa-plain-SHA512", "1.2.840.10045.4.1": "ecdsa-with-SHA1",
                  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256", "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
                  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512"}


class _SecurityInfo(core.Sequence):
    _fields = [("protocol", core.ObjectIdentifier), ("required_data", core.Any),
               ("optional_data", core.Any, {"optional": True})]


class _SecurityInfos(core.SetOf):
    _child_spec = _SecurityInfo


@dataclass(frozen=True)
class ChipAuthenticationInfo:
    protocol: str  # dotted OID
    protocol_name: str
    version: int
    key_id: int | None = None


@dataclass(frozen=True)
class ChipAuthenticationPublicKeyInfo:
    protocol: str  # id-PK-DH or id-PK-ECDH
    algorithm: str  # "DH" | "ECDH"
    public_key_der: bytes = field(repr=False)  # SubjectPublicKeyInfo DER, as found
    key_id: int | None = None


@dataclass(frozen=True)
class ActiveAuthenticationInfo:
    version: int
    signature_algorithm: str  # dotted OID
    signature_algorithm_name: str
    protocol: str = ID_AA


@dataclass(frozen=True)
class PACEInfo:
    protocol: str
    protocol_name: str
    version: int
    parameter_id: int | None = None  # standardized domain parameters (ICAO 9303 Part 11, 9.5.1)


@dataclass(frozen=True)
class PACEDomainParameterInfo:
    protocol: str
    protocol_name: str
    domain_parameter_der: bytes = field(repr=False)  # AlgorithmIdentifier DER
    parameter_id: int | None = None


@dataclass(frozen=True)
class TerminalAuthenticationInfo:
    version: int
    protocol: str = ID_TA


@dataclass(frozen=True)
class OtherSecurityInfo:
    """A SecurityInfo of a protocol this library does not decode, kept as found."""

    protocol: str
    required_data_der: bytes = field(repr=False)
    optional_data_der: bytes | None = field(default=None, repr=False)


SecurityInfo = (ChipAuthenticationInfo | ChipAuthenticationPublicKeyInfo | ActiveAuthenticationInfo | PACEInfo
                | PACEDomainParameterInfo | TerminalAuthenticationInfo | OtherSecurityInfo)


@dataclass(frozen=True)
class SecurityInfos:
    """DG14 (or EF.CardAccess): every SecurityInfo, typed, in order."""

    infos: tuple[SecurityInfo, ...]

    def of(self, kind: type) -> list:
        return [info for info in self.infos if isinstance(info, kind)]

    @property
    def chip_authentication(self) -> list[ChipAuthenticationInfo]:
        return self.of(ChipAuthenticationInfo)

    @property
    def chip_authentication_keys(self) -> list[ChipAuthenticationPublicKeyInfo]:
        return self.of(ChipAuthenticationPublicKeyInfo)

    @property
    def pace(self) -> list[PACEInfo]:
        return self.of(PACEInfo)

    @property
    def active_authentication(self) -> list[ActiveAuthenticationInfo]:
        return self.of(ActiveAuthenticationInfo)


def _asn1_int(value: core.Asn1Value, what: str) -> int:
    number = core.Integer.load(value.dump(), strict=True).native
    if not isinstance(number, int):
        raise LDSError(f"{what}: not an INTEGER")
    return number


def _security_info(item: _SecurityInfo, what: str) -> SecurityInfo:
    oid = item["protocol"].dotted
    required = item["required_data"]
    optional = item["optional_data"]
    has_optional = optional.contents is not None if isinstance(optional, core.Any) else False
    if oid in CA_PROTOCOLS:
        key_id = _asn1_int(optional, f"{what} ChipAuthenticationInfo keyId") if has_optional else None
        return ChipAuthenticationInfo(oid, CA_PROTOCOLS[oid], _asn1_int(required, f"{what} ChipAuthenticationInfo version"),
                                      key_id)
    if oid in (ID_PK_DH, ID_PK_ECDH):
        spki = asn1_keys.PublicKeyInfo.load(required.dump(), strict=True)
        spki.native  # noqa: B018 - full parse
        key_id = _asn1_int(optional, f"{what} ChipAuthenticationPublicKeyInfo keyId") if has_optional else None
        return ChipAuthenticationPublicKeyInfo(oid, "DH" if oid == ID_PK_DH else "ECDH", spki.dump(), key_id)
    if oid == ID_AA:
        if not has_optional:
            raise LDSError(f"{what} ActiveAuthenticationInfo: signatureAlgorithm missing")
        algorithm = core.ObjectIdentifier.load(optional.dump(), strict=True).dotted
        return ActiveAuthenticationInfo(_asn1_int(required, f"{what} ActiveAuthenticationInfo version"), algorithm,
                                        _AA_SIGNATURES.get(algorithm, algorithm))
    if oid in PACE_PROTOCOLS:
        parameter = _asn1_int(optional, f"{what} PACEInfo parameterId") if has_optional else None
        return PACEInfo(oid, PACE_PROTOCOLS[oid], _asn1_int(required, f"{what} PACEInfo version"), parameter)
    if oid in PACE_DOMAIN_PROTOCOLS:
        algorithm = algos.AlgorithmIdentifier.load(required.dump(), strict=True)
        parameter = _asn1_int(optional, f"{what} PACEDomainParameterInfo parameterId") if has_optional else None
        return PACEDomainParameterInfo(oid, PACE_DOMAIN_PROTOCOLS[oid], algorithm.dump(), parameter)
    if oid == ID_TA:
        return TerminalAuthenticationInfo(_asn1_int(required, f"{what} TerminalAuthenticationInfo version"))
    return OtherSecurityInfo(oid, required.dump(), optional.dump() if has_optional else None)


def decode_security_infos(der: bytes, *, what: str = "SecurityInfos") -> SecurityInfos:
    """SecurityInfos (a DER SET OF SecurityInfo), as in DG14 and EF.CardAccess."""
    try:
        items = _SecurityInfos.load(bytes(der), strict=True)
        return SecurityInfos(tuple(_security_info(item, what) for item in items))
    except LDSError:
        raise
    except _ASN1_ERRORS as exc:
        raise LDSError(f"{what}: malformed ({exc.__class__.__name__}: {exc})") from None


def decode_dg14(data: bytes) -> SecurityInfos:
    """DG14 (tag 6E): the chip's SecurityInfos for Chip Authentication, PACE and Active Authentication."""
    try:
        value = expect_tlv(data, 0x6E, what="DG14")
    except TLVError as exc:
        raise LDSError(f"DG14: {exc}") from exc
    return decode_security_infos(value, what="DG14 SecurityInfos")


def _encode_security_info(info: SecurityInfo) -> _SecurityInfo:
    def integer(value: int) -> core.Any:
        return core.Any.load(core.Integer(value).dump())

    if isinstance(info, ChipAuthenticationInfo | PACEInfo):
        optional = info.key_id if isinstance(info, ChipAuthenticationInfo) else info.parameter_id
        fields = {"protocol": info.protocol, "required_data": integer(info.version)}
    elif isinstance(info, ChipAuthenticationPublicKeyInfo):
        optional = info.key_id
        fields = {"protocol": info.protocol, "required_data": core.Any.load(info.public_key_der)}
    elif isinstance(info, ActiveAuthenticationInfo):
        return _SecurityInfo({"protocol": info.protocol, "required_data": integer(info.version),
                              "optional_data": core.Any.load(core.ObjectIdentifier(info.signature_algorithm).dump())})
    elif isinstance(info, PACEDomainParameterInfo):
        optional = info.parameter_id
        fields = {"protocol": info.protocol, "required_data": core.Any.load(info.domain_parameter_der)}
    elif isinstance(info, TerminalAuthenticationInfo):
        optional = None
        fields = {"protocol": info.protocol, "required_data": integer(info.version)}
    elif isinstance(info, OtherSecurityInfo):
        fields = {"protocol": info.protocol, "required_data": core.Any.load(info.required_data_der)}
        if info.optional_data_der is not None:
            fields["optional_data"] = core.Any.load(info.optional_data_der)
        return _SecurityInfo(fields)
    else:
        raise LDSError(f"SecurityInfo: {type(info).__name__} is not a SecurityInfo")
    if optional is not None:
        fields["optional_data"] = integer(optional)
    return _SecurityInfo(fields)


def encode_security_infos(infos: list[SecurityInfo] | tuple[SecurityInfo, ...]) -> bytes:
    """SecurityInfos (SET OF SecurityInfo) of ``infos``, kept in the order given as chips keep them."""
    try:
        return encode_tlv(0x31, b"".join(_encode_security_info(info).dump() for info in infos))
    except LDSError:
        raise
    except _ASN1_ERRORS as exc:
        raise LDSError(f"SecurityInfos: cannot be encoded ({exc})") from None


def encode_dg14(infos: list[SecurityInfo] | tuple[SecurityInfo, ...]) -> bytes:
    """DG14 (tag 6E) holding ``infos``."""
    if not infos:
        raise LDSError("DG14 infos: at least one SecurityInfo is required")
    return encode_tlv(0x6E, encode_security_infos(infos))


# ---------------------------------------------------------------- DG15: Active Authentication key


@dataclass(frozen=True)
class ActiveAuthenticationPublicKey:
    """DG15 (tag 6F): the chip's Active Authentication public key."""

    algorithm: str  # "RSA" | "EC"
    description: str  # "RSA 1024", "EC brainpoolP256r1"
    public_key: object = field(repr=False, compare=False)  # mrtd.keys.PublicKey
    spki_der: bytes = field(repr=False)


def decode_dg15(data: bytes) -> ActiveAuthenticationPublicKey:
    """DG15: the SubjectPublicKeyInfo of the Active Authentication key (RSA or EC)."""
    try:
        value = expect_tlv(data, 0x6F, what="DG15")
    except TLVError as exc:
        raise LDSError(f"DG15: {exc}") from exc
    try:
        spki = asn1_keys.PublicKeyInfo.load(value, strict=True)
        spki.native  # noqa: B018 - full parse
    except _ASN1_ERRORS as exc:
        raise LDSError(f"DG15 SubjectPublicKeyInfo: malformed ({exc.__class__.__name__}: {exc})") from None
    try:
        key = keys.load_public_key(spki)
    except MRTDError as exc:
        key = _unsigned_rsa_key(spki)
        if key is None:
            raise LDSError(f"DG15 public key: {exc}") from None
    description = keys.key_description(key)
    return ActiveAuthenticationPublicKey(description.split()[0], description, key, bytes(value))


def _unsigned_rsa_key(spki: asn1_keys.PublicKeyInfo) -> rsa.RSAPublicKey | None:
    """An RSA key whose modulus was written as a negative INTEGER (no leading zero byte), as on the
    BSI 2008 test passport: the modulus bytes read as unsigned, as chips compute with them."""
    try:
        if spki["algorithm"]["algorithm"].dotted != "1.2.840.113549.1.1.1":
            return None
        numbers = asn1_keys.RSAPublicKey.load(spki["public_key"].contents[1:], strict=True)
        modulus = int.from_bytes(numbers["modulus"].contents, "big")
        exponent = int.from_bytes(numbers["public_exponent"].contents, "big")
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except (*_ASN1_ERRORS, UnsupportedAlgorithm):
        return None


def encode_dg15(public_key: object) -> bytes:
    """DG15 (tag 6F) of an RSA or EC public key (a cryptography key or SubjectPublicKeyInfo DER)."""
    from cryptography.hazmat.primitives import serialization

    if isinstance(public_key, bytes | bytearray):
        der = bytes(public_key)
    elif isinstance(public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    else:
        raise LDSError(f"DG15 public_key: {type(public_key).__name__} is not an RSA or EC public key")
    return encode_tlv(0x6F, der)


# ---------------------------------------------------------------- EF.SOD


class DataGroupHash(core.Sequence):
    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class LDSSecurityObject(core.Sequence):
    """ICAO 9303 Part 10 LDSSecurityObject (version 0, or 1 with LDS version info)."""

    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


@dataclass(frozen=True)
class SignerInfo:
    """The parts of the CMS SignerInfo that passive authentication needs."""

    digest_algorithm: str
    signature_algorithm: str  # "rsassa_pkcs1v15" | "rsassa_pss" | "ecdsa" | ...
    signature: bytes
    signed_attrs_der: bytes | None  # DER of the SET OF attributes, as signed
    message_digest: bytes | None
    content_type: str | None
    signing_time: datetime | None
    issuer_der: bytes | None  # sid issuerAndSerialNumber
    serial_number: int | None
    subject_key_identifier: bytes | None  # sid subjectKeyIdentifier
    asn1: cms.SignerInfo = field(repr=False, compare=False)


@dataclass(frozen=True)
class SOD:
    """Decoded EF.SOD."""

    hash_algorithm: str
    dg_hashes: dict[int, bytes]
    ds_certificate_der: bytes | None
    certificates_der: list[bytes]
    signer_info: SignerInfo
    econtent: bytes  # the DER LDSSecurityObject, as hashed into messageDigest
    lds_version: str | None
    raw: bytes
    econtent_type: str = LDS_SECURITY_OBJECT_OID  # dotted; one of ECONTENT_TYPES


def hash_bytes(algorithm: str, data: bytes) -> bytes:
    """Digest of ``data`` with an asn1crypto hash name (sha1, sha256, ...)."""
    if algorithm not in _HASHES:
        raise LDSError(f"hash_algorithm: {algorithm!r} is not supported")
    return hashlib.new(algorithm, data).digest()


def _signed_attr_value(attrs: cms.CMSAttributes, name: str) -> core.Asn1Value | None:
    for attr in attrs:
        if attr["type"].native == name:
            values = attr["values"]
            return values[0] if len(values) else None
    return None


def _signed_attr(attrs: cms.CMSAttributes, name: str) -> object | None:
    value = _signed_attr_value(attrs, name)
    return value.native if value is not None else None


def _signed_attr_oid(attrs: cms.CMSAttributes, name: str) -> str | None:
    """Dotted OID value of a signed attribute (asn1crypto would name the ones it knows)."""
    value = _signed_attr_value(attrs, name)
    return value.dotted if value is not None else None


def decode_signer_info(si: cms.SignerInfo) -> SignerInfo:
    """The parts of a CMS SignerInfo that signature checks need (SODs and master lists)."""
    attrs = si["signed_attrs"]
    has_attrs = attrs.contents is not None and len(attrs) > 0
    sid = si["sid"]
    issuer_der = serial = ski = None
    if sid.name == "issuer_and_serial_number":
        issuer_der = sid.chosen["issuer"].dump()
        serial = sid.chosen["serial_number"].native
    else:
        ski = sid.chosen.native
    signing_time = _signed_attr(attrs, "signing_time") if has_attrs else None
    content_type = _signed_attr_oid(attrs, "content_type") if has_attrs else None
    return SignerInfo(
        digest_algorithm=si["digest_algorithm"]["algorithm"].native,
        signature_algorithm=si["signature_algorithm"].signature_algo,
        signature=si["signature"].native,
        # Signed attributes are signed as a SET OF (tag 31), not with their [0] tag.
        signed_attrs_der=b"\x31" + attrs.dump()[1:] if has_attrs else None,
        message_digest=_signed_attr(attrs, "message_digest") if has_attrs else None,  # type: ignore[arg-type]
        content_type=_oid_text(content_type),
        signing_time=signing_time if isinstance(signing_time, datetime) else None,
        issuer_der=issuer_der,
        serial_number=serial,
        subject_key_identifier=ski,
        asn1=si,
    )


def _oid_text(value: object) -> str | None:
    if value is None:
        return None
    return str(value)


def _pick_ds_certificate(certs: list[x509.Certificate], info: SignerInfo) -> bytes | None:
    """The certificate named by the SignerInfo's sid; the only one when there is one."""
    for cert in certs:
        if info.serial_number is not None and cert.serial_number == info.serial_number:
            return cert.dump()
        if info.subject_key_identifier is not None and cert.key_identifier == info.subject_key_identifier:
            return cert.dump()
    return certs[0].dump() if len(certs) == 1 else None


def decode_sod(data: bytes) -> SOD:
    """Decode EF.SOD (tag 77): CMS SignedData carrying the LDSSecurityObject."""
    try:
        content_info = expect_tlv(data, EF_SOD_TAG, what="EF.SOD")
    except TLVError as exc:
        raise LDSError(f"EF.SOD: {exc}") from exc
    try:
        return _decode_sod_content(content_info, bytes(data))
    except MRTDError:
        raise
    except _ASN1_ERRORS as exc:
        raise LDSError(f"EF.SOD: malformed CMS ({exc})") from exc


def _decode_sod_content(content_info_der: bytes, raw: bytes) -> SOD:
    content_info = cms.ContentInfo.load(content_info_der, strict=True)
    if content_info["content_type"].native != "signed_data":
        raise LDSError(f"EF.SOD content type: {content_info['content_type'].native}, expected signed_data")
    signed = content_info["content"]
    encap = signed["encap_content_info"]
    econtent_type = encap["content_type"].dotted
    if econtent_type not in ECONTENT_TYPES:
        raise LDSError(f"EF.SOD eContentType: {econtent_type}, expected {LDS_SECURITY_OBJECT_OID}")
    econtent = encap["content"].native
    if not isinstance(econtent, bytes):
        raise LDSError("EF.SOD eContent: missing")
    lso = LDSSecurityObject.load(econtent, strict=True)
    algorithm = lso["hash_algorithm"]["algorithm"].native
    if algorithm not in _HASHES:
        raise LDSError(f"EF.SOD hashAlgorithm: {algorithm} is not supported")
    hashes_by_dg: dict[int, bytes] = {}
    for item in lso["data_group_hash_values"]:
        number = item["data_group_number"].native
        if number not in DG_TAG:
            raise LDSError(f"EF.SOD dataGroupNumber: {number} is not 1..16")
        hashes_by_dg[number] = item["data_group_hash_value"].native
    signer_infos = signed["signer_infos"]
    if len(signer_infos) != 1:
        raise LDSError(f"EF.SOD signerInfos: {len(signer_infos)}, expected exactly one")
    info = decode_signer_info(signer_infos[0])
    certs = [c.chosen for c in signed["certificates"] if c.name == "certificate"] if signed["certificates"] else []
    for cert in certs:
        cert.native  # noqa: B018 - forces a full parse so a corrupt certificate fails here, typed
    version_info = lso["lds_version_info"]
    return SOD(
        hash_algorithm=algorithm,
        dg_hashes=hashes_by_dg,
        ds_certificate_der=_pick_ds_certificate(certs, info),
        certificates_der=[c.dump() for c in certs],
        signer_info=info,
        econtent=econtent,
        lds_version=version_info["lds_version"].native if version_info.native else None,
        raw=raw,
        econtent_type=econtent_type,
    )


def _signature_algorithm_name(private_key: object, hash_algorithm: str) -> str:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return f"{hash_algorithm}_ecdsa"
    if isinstance(private_key, rsa.RSAPrivateKey):
        return f"{hash_algorithm}_rsa"
    raise LDSError(f"ds_key: {type(private_key).__name__} is not an EC or RSA private key")


def _sign(private_key: object, data: bytes, hash_algorithm: str) -> bytes:
    chosen = getattr(hashes, hash_algorithm.upper())()
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.sign(data, ec.ECDSA(chosen))
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, padding.PKCS1v15(), chosen)
    raise LDSError(f"ds_key: {type(private_key).__name__} is not an EC or RSA private key")


def encode_lds_security_object(dg_files: dict[int, bytes], hash_algorithm: str = "sha256") -> bytes:
    """DER LDSSecurityObject (version 0) with the hash of each whole data group file."""
    values = [
        {"data_group_number": number, "data_group_hash_value": hash_bytes(hash_algorithm, dg_files[number])}
        for number in sorted(dg_files)
    ]
    return LDSSecurityObject({
        "version": 0,
        "hash_algorithm": {"algorithm": hash_algorithm},
        "data_group_hash_values": values,
    }).dump()


def encode_sod(
    dg_files: dict[int, bytes],
    ds_key: object,
    ds_cert_der: bytes,
    *,
    hash_algorithm: str = "sha256",
    signing_time: datetime | None = None,
) -> bytes:
    """EF.SOD signing the hashes of ``dg_files`` (keyed by DG number) with the DS key."""
    unknown = [n for n in dg_files if n not in DG_TAG]
    if unknown:
        raise LDSError(f"dg_files: {unknown} are not data group numbers 1..16")
    try:
        cert = x509.Certificate.load(ds_cert_der, strict=True)
        cert.native  # noqa: B018 - validate the whole certificate now
    except _ASN1_ERRORS as exc:
        raise LDSError(f"ds_cert_der: not a DER certificate ({exc})") from exc
    econtent = encode_lds_security_object(dg_files, hash_algorithm)
    # UTCTime has whole seconds only.
    moment = (signing_time or datetime.now(timezone.utc)).replace(microsecond=0)
    signed_attrs = cms.CMSAttributes([
        {"type": "content_type", "values": [LDS_SECURITY_OBJECT_OID]},
        {"type": "signing_time", "values": [cms.Time({"utc_time": moment})]},
        {"type": "message_digest", "values": [hash_bytes(hash_algorithm, econtent)]},
    ])
    signature = _sign(ds_key, signed_attrs.dump(), hash_algorithm)
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({
            "issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number},
        }),
        "digest_algorithm": {"algorithm": hash_algorithm},
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": _signature_algorithm_name(ds_key, hash_algorithm)},
        "signature": signature,
    })
    signed_data = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": hash_algorithm}],
        "encap_content_info": {
            "content_type": LDS_SECURITY_OBJECT_OID,
            "content": core.ParsableOctetString(econtent),
        },
        "certificates": [cert],
        "signer_infos": [signer_info],
    })
    content_info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    return encode_tlv(EF_SOD_TAG, content_info.dump())


__all__ = [
    "DG_TAG", "FID", "FORMAT_19794_5", "FORMAT_39794_5", "SOD", "TAG_DG", "ActiveAuthenticationInfo",
    "ActiveAuthenticationPublicKey", "AdditionalDocumentDetails", "AdditionalPersonalDetails",
    "ChipAuthenticationInfo", "ChipAuthenticationPublicKeyInfo", "EFCom", "FaceImage", "FingerImage",
    "OtherSecurityInfo", "PACEDomainParameterInfo", "PACEInfo", "SecurityInfos", "SignerInfo",
    "TerminalAuthenticationInfo", "decode_dg1", "decode_dg11", "decode_dg12", "decode_dg14", "decode_dg15",
    "decode_dg2", "decode_dg3", "decode_dg7", "decode_ef_com", "decode_face_record_39794",
    "decode_security_infos", "decode_signer_info", "decode_sod", "dg_number", "encode_dg1", "encode_dg11",
    "encode_dg12", "encode_dg14", "encode_dg15", "encode_dg2", "encode_dg3", "encode_dg7", "encode_ef_com",
    "encode_face_record_39794", "encode_security_infos", "encode_sod", "hash_bytes", "read_lds_dir",
    "write_lds_dir",
]
