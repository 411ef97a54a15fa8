"""Random and damaged files into the trust store's import: a PKIError naming why, never anything else,
and a refused file leaves the store as it was."""

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mrtd.errors import MRTDError
from mrtd.pki import issue_crl, issue_master_list_signer, make_csca, make_master_list
from mrtd.trust import TrustStore

CSCA, KEY = make_csca(country="CL")
SIGNER, SIGNER_KEY = issue_master_list_signer(csca_cert_der=CSCA, csca_key=KEY)
SAMPLES = {
    "master_list": make_master_list([CSCA, make_csca(country="AR")[0]], signer_cert_der=SIGNER, signer_key=SIGNER_KEY),
    "certificate": CSCA,
    "crl": issue_crl(csca_cert_der=CSCA, csca_key=KEY),
    "ldif": b"dn: cn=x,c=CL\nuserCertificate;binary:: " + base64.b64encode(CSCA) + b"\n",
}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _store() -> TrustStore:
    store = TrustStore()
    store.add_csca(CSCA, source="cl.cer")
    return store


def _import(store: TrustStore, data: bytes) -> None:
    before = (set(store.anchors), set(store.crls), set(store.master_lists))
    try:
        store.import_file(data, source="fuzz")
    except MRTDError:
        # Refused: nothing was added
        assert (set(store.anchors), set(store.crls), set(store.master_lists)) == before


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(data):
    _import(_store(), data)


@pytest.mark.parametrize("name", sorted(SAMPLES))
@FUZZ
@given(data=st.data())
def test_damaged_real_files(name, data):
    sample = SAMPLES[name]
    index = data.draw(st.integers(min_value=0, max_value=len(sample) - 1))
    value = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=1, max_value=len(sample)))
    _import(_store(), (sample[:index] + bytes([value]) + sample[index + 1:])[:cut])
