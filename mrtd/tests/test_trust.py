"""The trust store: several master lists and loose CSCAs with their CRLs, as ICAO's PKD gives them."""

import base64
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from asn1crypto.x509 import Certificate

from core.testdata import TESTDATA
from mrtd.errors import PKIError
from mrtd.lds import encode_dg1, encode_sod
from mrtd.pa import passive_authentication
from mrtd.pki import issue_crl, issue_ds, issue_master_list_signer, make_csca, make_master_list
from mrtd.trust import TrustStore, classify

ML_DIR = TESTDATA / "emrtd/masterlists"
DE_ML = (ML_DIR / "DE_ML_2026-05-28-08-28-45.ml").read_bytes()
NL_ML = (ML_DIR / "NL_ML_2026-07-22.ml").read_bytes()
DATA = Path(__file__).parent / "data"
# Both real lists' signers are valid then; the German one is valid until 2028.
AUTUMN_2026 = datetime(2026, 10, 1, tzinfo=timezone.utc)
MID_2024 = datetime(2024, 6, 1, tzinfo=timezone.utc)
MRZ = ["P<PERQUISPE<MAMANI<<ROSA<ELENA<<<<<<<<<<<<<<", "1234567897PER9001012F3001015<<<<<<<<<<<<<<00"]


def _results(report):
    return {check.name: check.passed for check in report.checks}


def _document(csca_der, csca_key, **ds_options):
    ds_der, ds_key = issue_ds(csca_cert_der=csca_der, csca_key=csca_key, **ds_options)
    dg1 = encode_dg1(MRZ)
    return encode_sod({1: dg1}, ds_key, ds_der), {1: dg1}, ds_der


@pytest.fixture(scope="module")
def real_store():
    store = TrustStore()
    store.import_file(DE_ML, source="DE_ML_2026-05-28-08-28-45.ml", now=AUTUMN_2026)
    store.import_file(NL_ML, source="NL_ML_2026-07-22.ml", now=AUTUMN_2026)
    return store


def test_two_real_master_lists_are_verified_and_merged(real_store):
    # Given the German and the Dutch master lists imported into one store
    de, nl = sorted(real_store.master_lists.values(), key=lambda m: m.source)
    # Then each list's signature was verified with its signer, and the signer under its country's CSCA
    assert de.certificates == 588 and "csca-germany" in de.signer_verified_by
    assert nl.certificates == 411 and "CSCA NL" in nl.signer_verified_by
    # And a CSCA both lists carry is one anchor that remembers both sources
    assert len(real_store) == 627
    shared = [a for a in real_store.anchors.values() if len(a.source_ids) == 2]
    assert len(shared) == 372
    # And every anchor has its source, the day it was added and its expiry
    anchor = shared[0]
    assert anchor.source.startswith("lista maestra ") and anchor.added == AUTUMN_2026
    assert anchor.expiry == anchor.not_after


def test_a_real_passport_is_authenticated_through_the_store(real_store):
    # Given Austria's real SOD, whose CSCA (a link certificate) is in the German list
    sod = (DATA / "aut/EF_SOD.bin").read_bytes()
    # When it is authenticated against the store alone
    report = passive_authentication(sod=sod, data_groups={}, trust_store=real_store, now=MID_2024)
    # Then the chain reaches the Austrian CSCA found by the DS's authority key identifier
    assert _results(report)["csca_chain"] is True
    assert report.csca_key_id == "2692c7e398abfbe35192d3f26e9a317d1fed53bd"


def test_expiring_one_master_list_keeps_the_anchors_another_list_still_carries(real_store):
    store = TrustStore.from_json(real_store.to_json())
    de = next(m for m in store.master_lists.values() if m.source.startswith("DE"))
    # When the operator expires the German list
    expired = store.expire(de.id, now=MID_2024 - timedelta(days=1))
    # Then only the CSCAs no other list carries stop being trusted
    assert len(expired) == 1 + (588 - 372)
    assert len(store.active(now=MID_2024)) == 411
    nl = next(m for m in store.master_lists.values() if m.source.startswith("NL"))
    assert all(a.withdrawn(MID_2024) for a in store.anchors.values() if a.source_ids == (de.id,))
    # And Austria's real passport still authenticates, through the Austrian CSCA the Dutch list carries
    sod = (DATA / "aut/EF_SOD.bin").read_bytes()
    report = passive_authentication(sod=sod, data_groups={}, trust_store=store, now=MID_2024)
    assert report.check("csca_chain").passed is True
    issuer = next(a for a in store.anchors.values() if a.der == report.csca_der)
    assert nl.id in issuer.source_ids
    # Until the Dutch list is expired too
    store.expire(nl.id, now=MID_2024 - timedelta(days=1))
    report = passive_authentication(sod=sod, data_groups={}, trust_store=store, now=MID_2024)
    assert report.check("csca_chain").passed is False


def test_a_tampered_master_list_is_refused_naming_why():
    # Given the German list with one byte of a listed certificate changed
    spot = DE_ML.index(b"csca-germany") + 2
    tampered = DE_ML[:spot] + b"X" + DE_ML[spot + 1:]
    store = TrustStore()
    # Then the import is refused because the content no longer has the signed hash, and nothing is added
    with pytest.raises(PKIError, match="messageDigest"):
        store.import_file(tampered, source="tampered.ml", now=AUTUMN_2026)
    assert len(store) == 0 and not store.master_lists


def test_a_master_list_with_a_forged_signature_is_refused():
    csca, key = make_csca(country="CL")
    signer, signer_key = issue_master_list_signer(csca_cert_der=csca, csca_key=key)
    ml = bytearray(make_master_list([csca], signer_cert_der=signer, signer_key=signer_key))
    good = bytes(ml)
    TrustStore().import_file(good, source="cl.ml")
    # When the last byte of the ECDSA signature is changed
    ml[-1] ^= 0x01
    with pytest.raises(PKIError, match="firma no verifica|firma no verificable"):
        TrustStore().import_file(bytes(ml), source="cl-forged.ml")


def test_a_master_list_whose_signer_no_csca_issued_is_refused():
    # Given a list signed by a signer of a CSCA that is neither in the list nor in the store
    csca, key = make_csca(country="CL")
    outsider, outsider_key = make_csca(country="AR")
    signer, signer_key = issue_master_list_signer(csca_cert_der=outsider, csca_key=outsider_key)
    ml = make_master_list([csca], signer_cert_der=signer, signer_key=signer_key)
    store = TrustStore()
    with pytest.raises(PKIError, match="no está emitido por ningún CSCA"):
        store.import_file(ml, source="cl.ml")
    # When the signer's CSCA is a trusted anchor already, the same list is accepted
    store.import_file(outsider, source="ar.cer")
    record = store.import_file(ml, source="cl.ml").master_lists[0]
    assert record.signer_verified_by.startswith("CSCA del almacén")


def test_a_master_list_whose_signer_has_expired_is_refused():
    with pytest.raises(PKIError, match="no está vigente"):
        TrustStore().import_file(DE_ML, source="DE.ml", now=datetime(2040, 1, 1, tzinfo=timezone.utc))


def test_several_hundred_cscas_find_the_issuer_by_key_identifier():
    # Given 300 CSCAs of one country, all with the same name (key rollovers)
    store = TrustStore()
    made = [make_csca(country="PE") for _ in range(300)]
    for der, _ in made:
        store.import_file(der, source="pe.cer")
    csca_der, csca_key = made[150]
    sod, groups, ds_der = _document(csca_der, csca_key)
    # When a document signed under the 151st is authenticated
    report = passive_authentication(sod=sod, data_groups=groups, trust_store=store, printed_mrz=MRZ)
    # Then it is valid and the chain names that CSCA, found by key identifier among 300 namesakes
    assert report.valid
    wanted = next(a for a in store.anchors.values() if a.der == csca_der)
    assert report.csca_key_id == wanted.key_id
    assert [a.der for a in store.issuers_of(Certificate.load(ds_der))][0] == csca_der


def test_an_expired_anchor_no_longer_authenticates():
    csca, key = make_csca(country="PE")
    store = TrustStore()
    anchor = store.add_csca(csca, source="pe.cer")
    sod, groups, _ = _document(csca, key)
    assert passive_authentication(sod=sod, data_groups=groups, trust_store=store).valid
    # When the operator expires it
    store.expire(anchor.id)
    report = passive_authentication(sod=sod, data_groups=groups, trust_store=store)
    # Then passive authentication finds no trusted CSCA for the DS
    assert not report.valid
    assert "ningún CSCA de confianza" in report.check("csca_chain").reason


def test_a_crl_in_the_store_revokes_a_document_signer():
    csca, key = make_csca(country="PE")
    ds_der, ds_key = issue_ds(csca_cert_der=csca, csca_key=key)
    serial = Certificate.load(ds_der).serial_number
    crl = issue_crl(csca_cert_der=csca, csca_key=key, revoked_serials=[serial])
    store = TrustStore()
    # A CRL whose CSCA is not in the store yet is refused: its signature cannot be checked
    with pytest.raises(PKIError, match="ningún CSCA del almacén verifica su firma"):
        store.import_file(crl, source="pe.crl")
    store.import_file(csca, source="pe.cer")
    record = store.add_crl(crl, source="pe.crl")
    assert record.revoked == 1 and "CSCA PE TEST" in record.verified_by
    dg1 = encode_dg1(MRZ)
    report = passive_authentication(sod=encode_sod({1: dg1}, ds_key, ds_der), data_groups={1: dg1},
                                    trust_store=store)
    # Then the revocation check fails naming the DS serial, found through the store's CRL
    assert report.check("revocation").passed is False
    assert f"serie {serial}" in report.check("revocation").reason


def test_an_icao_pkd_ldif_file_is_imported_and_its_ds_certificates_skipped():
    csca, key = make_csca(country="EC")
    ds_der, _ = issue_ds(csca_cert_der=csca, csca_key=key)
    crl = issue_crl(csca_cert_der=csca, csca_key=key)

    def wrapped(attribute, der):
        text = base64.b64encode(der).decode()
        lines = [f"{attribute}:: {text[:60]}"] + [" " + text[i:i + 60] for i in range(60, len(text), 60)]
        return "\n".join(lines)

    ldif = "\n\n".join([
        "version: 1",
        "dn: cn=csca,c=EC,dc=data\n" + wrapped("userCertificate;binary", csca),
        "dn: cn=ds,c=EC,dc=data\n" + wrapped("userCertificate;binary", ds_der),
        "dn: cn=crl,c=EC,dc=data\n" + wrapped("certificateRevocationList;binary", crl),
    ]).encode()
    assert [kind for kind, _ in classify(ldif)] == ["certificate", "certificate", "crl"]
    store = TrustStore()
    report = store.import_file(ldif, source="icaopkd-001.ldif")
    assert len(report.anchors_added) == 1 and len(report.crls_added) == 1
    assert len(report.skipped) == 1 and "no es de una autoridad" in report.skipped[0]


def test_the_store_survives_a_save_and_load(tmp_path):
    csca, key = make_csca(country="PE")
    store = TrustStore()
    store.import_file(csca, source="pe.cer")
    store.add_crl(issue_crl(csca_cert_der=csca, csca_key=key), source="pe.crl")
    path = tmp_path / "store.json"
    store.save(path)
    again = TrustStore.load(path)
    assert [a.id for a in again.anchors.values()] == [a.id for a in store.anchors.values()]
    assert len(again.crls) == 1
    sod, groups, _ = _document(csca, key)
    report = passive_authentication(sod=sod, data_groups=groups, trust_store=again)
    assert report.valid and report.check("revocation").passed is True
    assert len(TrustStore.load(tmp_path / "absent.json")) == 0


@pytest.mark.parametrize("data", [b"", b"\x30\x03\x02\x01\x00", b"not a file", b"-----BEGIN FOO-----\n-----END FOO-----\n",
                                  b"dn: cn=x\nuserCertificate;binary:: ???\n"])
def test_unreadable_files_are_refused_with_a_typed_error(data):
    with pytest.raises(PKIError):
        TrustStore().import_file(data, source="bad")


def test_an_unknown_id_cannot_be_expired():
    with pytest.raises(PKIError, match="no hay un ancla"):
        TrustStore().expire("csca-0000")


def test_a_corrupt_saved_store_is_a_typed_error(tmp_path):
    path = tmp_path / "store.json"
    path.write_text('{"format": 1, "anchors": [{"id": "x", "der": "AAAA"}]}')
    with pytest.raises(PKIError):
        TrustStore.load(path)


def test_an_ldif_with_a_forged_master_list_is_refused_whole():
    csca, key = make_csca(country="UY")
    signer, signer_key = issue_master_list_signer(csca_cert_der=csca, csca_key=key)
    forged = bytearray(make_master_list([csca], signer_cert_der=signer, signer_key=signer_key))
    forged[-1] ^= 0x01
    other, other_key = make_csca(country="PY")
    other_signer, other_signer_key = issue_master_list_signer(csca_cert_der=other, csca_key=other_key)
    good = make_master_list([other], signer_cert_der=other_signer, signer_key=other_signer_key)
    # A good list first (imported, then undone), the forged one after it
    ldif = (b"dn: cn=ml,c=PY,dc=data\npkdMasterListContent:: " + base64.b64encode(good)
            + b"\n\ndn: cn=ml,c=UY,dc=data\npkdMasterListContent:: " + base64.b64encode(bytes(forged)) + b"\n")
    store = TrustStore()
    with pytest.raises(PKIError, match="lista maestra"):
        store.import_file(ldif, source="icaopkd-002-ml.ldif")
    # Nothing of the file was kept, not even the good list before the forged one
    assert len(store) == 0 and not store.master_lists
