"""The TAM on the documents rail: a signed PDF checked at /verificar/, its QR carrying the address and the seal."""
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from documentos.models import Document
from documentos.qr import qr_parse
from documentos.selectors import document_pdf
from documentos.services import document_revoke
from documentos.signing import pdf_signature_check
from tam.documents import tam_qr_text
from tam.selectors import seal_check

pytestmark = pytest.mark.django_db


def test_issuing_a_tam_issues_its_signed_document_once(tam):
    [document] = Document.objects.filter(kind="TAM", record_id=str(tam.pk))
    assert document.person_id == tam.crossing.person_id and document.has_seal
    pdf = document_pdf(document, actor="system:test", purpose="prueba")
    assert pdf_signature_check(pdf).valid
    assert len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures) == 1
    # the e-mailed PDF is that signed document, byte for byte
    from django.core import mail

    assert mail.outbox[0].attachments[0][1] == pdf


def test_the_new_qr_opens_verificar_and_still_carries_a_valid_seal(client, tam):
    document = Document.objects.get(kind="TAM", record_id=str(tam.pk))
    text = tam_qr_text(tam, code=document.code)
    content = qr_parse(text)
    assert content.code == document.code and content.vds == tam.seal
    # the offline seal check reads the new QR as it read the old one
    assert seal_check(text).valid is True and seal_check(tam.seal).valid is True
    assert "TAM AUTÉNTICA" in client.post("/tam/verificar/", {"seal": text}).content.decode()


def test_verificar_shows_the_tam_without_its_personal_data(client, tam):
    document = Document.objects.get(kind="TAM", record_id=str(tam.pk))
    html = client.get(f"/verificar/{document.code}").content.decode()
    assert 'data-result="VALID"' in html and tam.number in html and "R***, C***" in html
    assert "PV1234567" not in html and "ROJAS" not in html and "1990" not in html and "Larco" not in html
    document_revoke(document=document, reason="TAM anulada por rectificación del movimiento", actor="sistema:tam")
    assert 'data-result="REVOKED"' in client.get(f"/verificar/{document.code}").content.decode()


def test_the_qr_with_address_and_seal_fits_a_printable_qr(tam):
    import segno

    document = Document.objects.get(kind="TAM", record_id=str(tam.pk))
    qr = segno.make(tam_qr_text(tam, code=document.code), error="m", micro=False)
    # the address and the seal together (about 1.6 kB) stay a QR a phone reads when printed 75 mm
    # wide on the A4 TAM: at most version 36 (161 modules, about 0.47 mm each)
    assert qr.version <= 36, qr.version


def test_a_revoked_tam_is_shown_revoked_on_the_tam_page_too(client, tam):
    document = Document.objects.get(kind="TAM", record_id=str(tam.pk))
    document_revoke(document=document, reason="Movimiento rectificado", actor="sistema:tam")
    page = client.post("/tam/verificar/", {"seal": tam.seal}).content.decode()
    assert "TAM REVOCADA" in page and "Movimiento rectificado" in page and "TAM AUTÉNTICA" not in page
