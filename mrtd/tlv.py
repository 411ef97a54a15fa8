"""BER-TLV encoding and decoding as used by the LDS files of an eMRTD (ICAO 9303 Part 10)."""

from __future__ import annotations

from collections.abc import Iterator

from mrtd.errors import TLVError

# Longest length field accepted: 0x84 + 4 bytes. Real LDS files stay far below 4 GiB, so a
# longer field can only be corrupt input.
_MAX_LENGTH_BYTES = 4


def encode_tag(tag: int) -> bytes:
    """Bytes of a tag number as written on the chip (0x5F1F -> b'\\x5f\\x1f')."""
    if tag < 0:
        raise TLVError(f"tag: negative tag {tag}")
    if tag == 0:
        return b"\x00"
    return tag.to_bytes((tag.bit_length() + 7) // 8, "big")


def encode_length(length: int) -> bytes:
    """DER length field: short form below 128, long form (0x81..0x84) above."""
    if length < 0:
        raise TLVError(f"length: negative length {length}")
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    if size > _MAX_LENGTH_BYTES:
        raise TLVError(f"length: {length} does not fit in {_MAX_LENGTH_BYTES} bytes")
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


def encode_tlv(tag: int, value: bytes) -> bytes:
    """One whole TLV: tag, length and value."""
    return encode_tag(tag) + encode_length(len(value)) + bytes(value)


def _parse_tag(data: bytes, offset: int) -> tuple[int, int]:
    """Tag number and the offset just after it."""
    if offset >= len(data):
        raise TLVError(f"tag: no bytes left at offset {offset}")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F != 0x1F:
        return tag, offset
    # Multi-byte tag: following bytes carry 7 bits each while bit 8 is set.
    for _ in range(3):
        if offset >= len(data):
            raise TLVError("tag: truncated multi-byte tag")
        byte = data[offset]
        tag = (tag << 8) | byte
        offset += 1
        if not byte & 0x80:
            return tag, offset
    raise TLVError("tag: longer than 4 bytes")


def _parse_length(data: bytes, offset: int) -> tuple[int, int]:
    """Value length and the offset of the first value byte."""
    if offset >= len(data):
        raise TLVError(f"length: missing at offset {offset}")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    size = first & 0x7F
    if size == 0:
        raise TLVError("length: indefinite form is not allowed in the LDS")
    if size > _MAX_LENGTH_BYTES:
        raise TLVError(f"length: {size}-byte length field is too long")
    if offset + size > len(data):
        raise TLVError("length: truncated length field")
    return int.from_bytes(data[offset : offset + size], "big"), offset + size


def parse_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Decode the TLV at ``offset``: (tag, value, offset just after the value)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TLVError(f"data: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if offset < 0:
        raise TLVError(f"offset: negative offset {offset}")
    tag, offset = _parse_tag(data, offset)
    length, offset = _parse_length(data, offset)
    end = offset + length
    if end > len(data):
        raise TLVError(f"value: tag {tag:X} announces {length} bytes, only {len(data) - offset} present")
    return tag, data[offset:end], end


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Every (tag, value) at the top level of ``data``, which must be TLVs end to end."""
    offset = 0
    while offset < len(data):
        tag, value, offset = parse_tlv(data, offset)
        yield tag, value


def tlv_children(data: bytes) -> dict[int, list[bytes]]:
    """Top-level TLVs of ``data`` grouped by tag, in order of appearance."""
    children: dict[int, list[bytes]] = {}
    for tag, value in iter_tlv(data):
        children.setdefault(tag, []).append(value)
    return children


def tlv_total_length(header: bytes) -> int:
    """Length of a whole TLV (header and value) from its first bytes.

    The reader calls it with the first few bytes of a file to know how much to read.
    """
    header = bytes(header)
    tag_end = _parse_tag(header, 0)[1]
    length, value_start = _parse_length(header, tag_end)
    return value_start + length


def expect_tlv(data: bytes, tag: int, *, what: str) -> bytes:
    """Value of ``data`` when it is exactly one TLV with ``tag``; TLVError naming ``what`` if not."""
    found, value, end = parse_tlv(data)
    if found != tag:
        raise TLVError(f"{what}: expected tag {tag:X}, found {found:X}")
    if end != len(data):
        raise TLVError(f"{what}: {len(data) - end} unexpected bytes after the value")
    return value
