"""`manage.py trust_store`: master lists, CSCAs and CRLs imported, listed and expired; control trusts them at once."""
import shutil
from io import StringIO

import pytest
from asn1crypto.x509 import Certificate
from django.core.management import call_command
from django.core.management.base import CommandError

from auditoria.models import AuditEntry
from control import trust
from mrtd.pki import init_test_pki, issue_crl, issue_master_list_signer, make_master_list

from .conftest import make_chip, td3
from .test_crossing_decide import _decide, _results, officer  # noqa: F401 - the officer fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def pki_dir(settings, control_pki, tmp_path):
    """A copy of the portal's PKI directory of its own, so the store written here stays here."""
    directory = tmp_path / "pki"
    shutil.copytree(control_pki.directory, directory)
    settings.MRTD_PKI_DIR = directory
    trust.reset_cache()
    yield directory
    trust.reset_cache()


@pytest.fixture
def chile(tmp_path):
    """Chile's CSCA and Document Signer, and a master list of Chile's signed under that CSCA."""
    pki = init_test_pki(tmp_path / "cl", country="CL")
    signer, signer_key = issue_master_list_signer(csca_cert_der=pki.csca_cert_der, csca_key=pki.csca_private_key)
    master_list = tmp_path / "CL_ML.ml"
    master_list.write_bytes(make_master_list([pki.csca_cert_der], signer_cert_der=signer, signer_key=signer_key))
    return pki, master_list


def _run(*args) -> str:
    out = StringIO()
    call_command("trust_store", *args, stdout=out)
    return out.getvalue()


def test_an_imported_master_list_lets_its_countrys_chips_pass_until_expired(
        officer, crossing_points, external_systems, faces, foreign_pki, pki_dir, chile):
    pki, master_list = chile
    mrz = td3(state="CHL", number="CL7654321")
    chip = make_chip(mrz, faces.portrait, pki)
    # Given an empty store, today's anchors hold: the US CSCA of masterlists/ passes, Chile does not
    us_mrz = td3(number="PA7777777")
    us = _decide(officer, us_mrz, chip=make_chip(us_mrz, faces.portrait, foreign_pki), face=faces.same_person)
    assert _results(us)["passive_authentication"] == "PASS"
    assert "almacén vacío" in _run("list")
    refused = _decide(officer, mrz, chip=chip, face=faces.same_person)
    assert _results(refused)["passive_authentication"] == "FAIL"

    # When the operator imports Chile's master list
    out = _run("import", str(master_list))
    assert "CL_ML.ml: 1 CSCA nuevos" in out and "firmante verificado por CSCA de la lista" in out
    # Then the next Chilean chip passes passive authentication, with no restart
    admitted = _decide(officer, mrz, chip=chip, face=faces.same_person)
    assert _results(admitted)["passive_authentication"] == "PASS"
    # And the import is in the audit log with what it added
    entry = AuditEntry.objects.get(action="control.trust_store_import")
    assert entry.actor_repr.startswith("comando:trust_store")
    assert entry.details["master_lists"][0]["certificates"] == 1
    # And the list shows the anchor with its source, the day it was added and its expiry
    anchor_id = entry.details["anchors_added"][0]
    listing = _run("list")
    assert anchor_id in listing and "origen lista maestra CL_ML.ml" in listing and "vence 20" in listing

    # When the operator expires it, the chips it vouched for are refused again, and that is audited too
    assert "dados de baja: 1" in _run("expire", anchor_id)
    again = _decide(officer, mrz, chip=chip, face=faces.same_person)
    assert _results(again)["passive_authentication"] == "FAIL"
    assert AuditEntry.objects.get(action="control.trust_store_expire").object_id == anchor_id
    assert anchor_id not in _run("list") and anchor_id in _run("list", "--all")


def test_a_crl_imported_revokes_the_document_signer(officer, crossing_points, external_systems, faces, pki_dir,
                                                    chile, tmp_path):
    pki, master_list = chile
    _run("import", str(master_list))
    crl = tmp_path / "cl.crl"
    crl.write_bytes(issue_crl(csca_cert_der=pki.csca_cert_der, csca_key=pki.csca_private_key,
                              revoked_serials=[Certificate.load(pki.ds_cert_der).serial_number]))
    assert "1 CRL" in _run("import", str(crl))
    mrz = td3(state="CHL", number="CL7654322")
    decision = _decide(officer, mrz, chip=make_chip(mrz, faces.portrait, pki), face=faces.same_person)
    assert _results(decision)["passive_authentication"] == "FAIL"
    assert "revocado" in next(r for r in decision.reasons if r.startswith("passive_authentication"))


def test_a_forged_master_list_is_refused_and_nothing_is_stored(pki_dir, chile, tmp_path):
    _, master_list = chile
    forged = bytearray(master_list.read_bytes())
    forged[-1] ^= 0x01
    bad = tmp_path / "forged.ml"
    bad.write_bytes(bytes(forged))
    with pytest.raises(CommandError, match="forged.ml: rechazado / refused: lista maestra: .*firma"):
        _run("import", str(bad))
    assert not trust.trust_store_path().exists()
    assert not AuditEntry.objects.filter(action="control.trust_store_import").exists()


def test_an_unknown_id_cannot_be_expired(pki_dir):
    with pytest.raises(CommandError, match="no hay un ancla"):
        _run("expire", "csca-0000000000000000")
    assert not AuditEntry.objects.filter(action="control.trust_store_expire").exists()
