"""Random and truncated bytes into every TLV and ASN.1 parser give typed mrtd errors, nothing else."""


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mrtd.errors import MRTDError
from mrtd.lds import decode_dg1, decode_dg2, decode_dg3, decode_dg7, decode_ef_com, decode_sod
from mrtd.pa import passive_authentication
from mrtd.pki import parse_master_list
from mrtd.tlv import iter_tlv, parse_tlv, tlv_total_length
from mrtd.vds import verify_seal
from core.testdata import TESTDATA

EMRTD = TESTDATA / "emrtd"

# Each parser with a real, valid input to truncate and mutate.
PARSERS = {
    "parse_tlv": (parse_tlv, EMRTD / "loes2006/ef011E.bin"),
    "iter_tlv": (lambda data: list(iter_tlv(data)), EMRTD / "loes2006/ef011E.bin"),
    "tlv_total_length": (tlv_total_length, EMRTD / "bsi2008/Datagroup2.bin"),
    "decode_ef_com": (decode_ef_com, EMRTD / "bsi2008/EF_COM.bin"),
    "decode_dg1": (decode_dg1, EMRTD / "bsi2008/Datagroup1.bin"),
    "decode_dg2": (decode_dg2, EMRTD / "bsi2008/Datagroup2.bin"),
    "decode_dg3": (decode_dg3, EMRTD / "bsi2008/Datagroup3.bin"),
    "decode_dg7": (decode_dg7, None),
    "decode_sod": (decode_sod, EMRTD / "loes2006/ef011D.bin"),
    "parse_master_list": (parse_master_list, EMRTD / "masterlists/NL_ROOT_CA.cer"),
    "verify_seal": (lambda data: verify_seal(data, csca_certs=[]), None),
}
SAMPLES = {name: path.read_bytes() if path else b"\x67\x06\x02\x01\x01\x5f\x43\x00" for name, (_, path) in PARSERS.items()}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_typed_errors(parser, data: bytes) -> None:
    try:
        parser(data)
    except MRTDError:
        pass  # the one allowed failure; anything else propagates and fails the test


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(name, data):
    _only_typed_errors(PARSERS[name][0], data)


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_truncated_real_files(name, cut):
    sample = SAMPLES[name]
    _only_typed_errors(PARSERS[name][0], sample[: int(len(sample) * cut)])


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_real_files_with_changed_bytes(name, data):
    sample = bytearray(SAMPLES[name])
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(sample) - 1))
        sample[position] = data.draw(st.integers(0, 255))
    _only_typed_errors(PARSERS[name][0], bytes(sample))


@FUZZ
@given(data=st.data())
def test_passive_authentication_reports_instead_of_raising_on_a_damaged_sod(data):
    sod = bytearray((EMRTD / "loes2006/ef011D.bin").read_bytes())
    position = data.draw(st.integers(0, len(sod) - 1))
    sod[position] = data.draw(st.integers(0, 255))
    report = passive_authentication(sod=bytes(sod), data_groups={1: (EMRTD / "loes2006/ef0101.bin").read_bytes()})
    assert report.valid is False  # the Dutch test CSCA is not trusted here, so never valid
