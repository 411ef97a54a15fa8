"""TAM: issued for an admitted crossing, downloaded by its holder as a PDF, its seal checked true or forged."""
import datetime as dt
import json

import pytest
from django.core import mail

from control.services import Boarding, crossing_decide
from control.tests.conftest import td3
from mrtd.pki import init_test_pki
from mrtd.vds import sign_seal
from tam.selectors import seal_check

pytestmark = pytest.mark.django_db


def _enter(officer):
    return crossing_decide(
        channel="COUNTER", direction="ENTRY", crossing_point="AIJCH",
        mrz_lines=td3(number="PV1234567", state="CHL", surname="ROJAS", given="CAMILA", sex="F",
                      birth=dt.date(1990, 4, 2)),
        boarding=Boarding(flight="LA0600", origin="Santiago", purpose="TURISMO", address_in_peru="Av. Larco 123, Miraflores",
                          residence_country="CHL", email="camila@example.cl"),
        actor=officer,
    )


def test_tam_holds_the_crossing_data_and_is_emailed(tam):
    assert (tam.surnames, tam.given_names, tam.nationality) == ("ROJAS", "CAMILA", "CHL")
    assert (tam.flight, tam.origin, tam.days_granted, tam.crossing_point_code) == ("LA0600", "Santiago", 183, "AIJCH")
    assert tam.address_in_peru.startswith("Av. Larco")
    [message] = mail.outbox
    assert message.to == ["camila@example.cl"] and tam.number in message.subject
    assert message.attachments[0][2] == "application/pdf"


def test_holder_downloads_the_pdf_with_three_facts(client, tam):
    # given the traveller's document number, nationality and birth date
    page = client.post("/tam/", {"document_number": "pv1234567", "nationality": "chl", "birth_date": "1990-04-02"})
    assert tam.number in page.content.decode()
    token = page.context["tams"][0][1]
    response = client.get(f"/tam/documento/{token}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # and a wrong birth date finds nothing
    wrong = client.post("/tam/", {"document_number": "PV1234567", "nationality": "CHL", "birth_date": "1990-04-03"})
    assert tam.number not in wrong.content.decode()


def test_tampered_download_link_is_refused(client, tam):
    assert client.get("/tam/documento/not-a-token/pdf").status_code == 404


def test_true_seal_verifies_offline_and_on_the_page(client, tam):
    assert seal_check(tam.seal).valid is True
    page = client.post("/tam/verificar/", {"seal": tam.seal}).content.decode()
    assert "TAM AUTÉNTICA" in page and 'data-result="VALID"' in page
    # a valid TAM shows who, which document and the days of stay granted
    assert "ROJAS, CAMILA" in page and "PV1234567" in page
    if tam.days_granted:
        assert f'<strong id="dias">{tam.days_granted}</strong>' in page
    by_number = client.get("/tam/verificar/", {"numero": tam.number})
    assert "TAM AUTÉNTICA" in by_number.content.decode()


def test_altered_seal_is_invalid(client, tam):
    # given someone who changed the days granted in the seal's data
    seal = json.loads(tam.seal)
    seal["data"]["msg"]["days"] = 365
    forged = json.dumps(seal, ensure_ascii=False)
    assert seal_check(forged).valid is False
    page = client.post("/tam/verificar/", {"seal": forged}).content.decode()
    assert "SELLO NO VÁLIDO" in page and "TAM AUTÉNTICA" not in page
    # and none of the forged data is shown beside the verdict (it would look true in a table);
    # only the form below keeps what was pasted
    verdict = page[page.index("<h1>"):page.index("<form")]
    assert "ROJAS" not in verdict and "PV1234567" not in verdict and "365" not in verdict
    assert 'data-result="NOT_VALID"' in page and "no la acepte" in page


def test_seal_signed_by_a_forger_key_is_invalid(client, tam, tmp_path):
    # given a well-formed seal signed by a key MIGRACIONES never issued
    rogue = init_test_pki(tmp_path / "rogue")
    payload = json.loads(tam.seal)["data"]["msg"]
    forged = sign_seal(payload, ds_key=rogue.ds_private_key, ds_cert_der=rogue.ds_cert_der, doc_type="TAM")
    result = seal_check(forged)
    assert result.valid is False and "CSCA" in result.reason
    answer = client.post("/api/v1/tam/verify", {"seal": forged}, content_type="application/json").json()
    assert answer["valid"] is False


def test_public_key_verifies_the_seal_offline(client, tam):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from mrtd.vds import verify_seal

    pem = client.get("/tam/clave-publica.pem").content
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    assert verify_seal(tam.seal, csca_certs=[der]).valid is True
