"""BER-TLV: the framing every LDS file uses."""


import pytest

from mrtd.errors import TLVError
from mrtd.tlv import encode_tlv, iter_tlv, parse_tlv, tlv_total_length
from core.testdata import TESTDATA



@pytest.mark.parametrize("length", [0, 1, 127, 128, 255, 256, 65535, 65536])
def test_encode_then_parse_gives_back_tag_and_value_for_every_length_form(length):
    # Given a value whose length needs the short, 0x81, 0x82 or 0x83 form
    value = bytes(range(256)) * (length // 256) + bytes(range(length % 256))
    # When it is framed with a two-byte tag and parsed back
    encoded = encode_tlv(0x5F1F, value)
    tag, parsed, end = parse_tlv(encoded)
    # Then the tag, the value and the end offset are the original ones
    assert (tag, parsed, end) == (0x5F1F, value, len(encoded))
    assert tlv_total_length(encoded[:8]) == len(encoded)


def test_length_field_forms_are_the_der_ones():
    assert encode_tlv(0x61, b"a" * 127)[:2] == bytes.fromhex("617f")
    assert encode_tlv(0x61, b"a" * 128)[:3] == bytes.fromhex("618180")
    assert encode_tlv(0x7F61, b"a" * 300)[:5] == bytes.fromhex("7f6182012c")


def test_iter_tlv_walks_the_children_of_ef_com():
    # Given the real EF.COM of the Dutch 2006 test passport
    ef_com = (TESTDATA / "emrtd/loes2006/ef011E.bin").read_bytes()
    tag, value, _ = parse_tlv(ef_com)
    # Then its children are the LDS version, the Unicode version and the tag list
    assert tag == 0x60
    assert list(iter_tlv(value)) == [(0x5F01, b"0107"), (0x5F36, b"040000"), (0x5C, b"\x61\x75\x6f")]


def test_total_length_from_the_first_bytes_of_a_real_dg2():
    dg2 = (TESTDATA / "emrtd/bsi2008/Datagroup2.bin").read_bytes()
    assert tlv_total_length(dg2[:4]) == len(dg2) == 15083


@pytest.mark.parametrize(
    "data, field",
    [
        (b"", "tag"),
        (b"\x5f", "tag"),
        (b"\x61", "length"),
        (b"\x61\x80", "indefinite"),
        (b"\x61\x85\x01\x02\x03\x04\x05", "too long"),
        (b"\x61\x82\x01", "truncated length"),
        (b"\x61\x05abc", "announces 5 bytes"),
    ],
)
def test_malformed_input_raises_tlv_error_saying_what_is_wrong(data, field):
    with pytest.raises(TLVError, match=field):
        parse_tlv(data)


def test_total_length_needs_the_whole_length_field():
    with pytest.raises(TLVError):
        tlv_total_length(b"\x75\x82\x3a")
