"""Random bytes, bare or under the right outer tag, into the new DG decoders: only mrtd errors escape."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testdata import TESTDATA
from mrtd.errors import MRTDError
from mrtd.lds import (
    FORMAT_39794_5, AdditionalDocumentDetails, AdditionalPersonalDetails, FaceImage, decode_dg2, decode_dg11,
    decode_dg12, decode_dg14, decode_dg15, decode_face_record_39794, decode_security_infos, encode_dg2,
    encode_dg11, encode_dg12, encode_face_record_39794,
)
from mrtd.tlv import encode_tlv

EMRTD = TESTDATA / "emrtd"
_FACE = FaceImage(image_bytes=b"\xff\xd8" + bytes(40), image_type="jpeg", width=3, height=4, gender=1,
                  record_format=FORMAT_39794_5)
DECODERS = {
    "dg2_39794": (decode_dg2, 0x75, encode_dg2([_FACE])),
    "face_39794": (decode_face_record_39794, 0xA1, encode_face_record_39794([_FACE])),
    "dg11": (decode_dg11, 0x6B, encode_dg11(AdditionalPersonalDetails(full_name="A<<B", other_names=("C",),
                                                                       full_date_of_birth="19900101"))),
    "dg12": (decode_dg12, 0x6C, encode_dg12(AdditionalDocumentDetails(issuing_authority="X", date_of_issue="20260101",
                                                                        other_persons=("Y",)))),
    "dg14": (decode_dg14, 0x6E, (EMRTD / "bsi2008/Datagroup14.bin").read_bytes()),
    "security_infos": (decode_security_infos, 0x31, (EMRTD / "bsi2008/Datagroup14.bin").read_bytes()[4:]),
    "dg15": (decode_dg15, 0x6F, (EMRTD / "loes2006/ef010F.bin").read_bytes()),
}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_typed_errors(decoder, data: bytes) -> None:
    try:
        decoder(data)
    except MRTDError:
        pass  # the one allowed failure


@pytest.mark.parametrize("name", sorted(DECODERS))
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(name, data):
    _only_typed_errors(DECODERS[name][0], data)


@pytest.mark.parametrize("name", sorted(DECODERS))
@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_under_the_right_tag(name, data):
    decoder, tag, _ = DECODERS[name]
    _only_typed_errors(decoder, encode_tlv(tag, data))


@pytest.mark.parametrize("name", sorted(DECODERS))
@FUZZ
@given(data=st.data())
def test_mutated_valid_files(name, data):
    decoder, _, sample = DECODERS[name]
    index = data.draw(st.integers(min_value=0, max_value=len(sample) - 1))
    value = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=1, max_value=len(sample)))
    mutated = (sample[:index] + bytes([value]) + sample[index + 1:])[:cut]
    _only_typed_errors(decoder, mutated)
