"""The documents rail: signed PDFs a third party can check by code, QR or file; revocation with a reason."""
import io
import re

import pytest
from asn1crypto import x509 as asn1_x509
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from auditoria.models import AuditEntry
from core.errors import PermissionDenied, ValidationFailed
from documentos import codes
from documentos.models import Document
from documentos.qr import qr_parse, qr_text
from documentos.selectors import document_by_code, document_pdf
from documentos.services import document_issue, document_revoke
from documentos.signing import document_signer

pytestmark = pytest.mark.django_db

FACTS = {"holder": "R*** P***, C***", "number": "LM-2026-000123", "procedure": "Prórroga de residencia",
         "issued_on": "2026-12-02"}


def _issue(pdf, **extra):
    return document_issue(kind="CONSTANCIA", pdf=pdf, facts=FACTS, record_kind="tramites.Case", record_id=123,
                          person=77, actor="system:tramites", **extra)


def _flip_one_byte(data: bytes) -> bytes:
    # a byte inside the signed range (the page's content), not inside the signature's /Contents
    index = data.index(b"/MediaBox") + 2
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def test_the_signed_pdf_passes_pyhankos_own_validator_and_fails_after_one_byte(one_page_pdf):
    document = _issue(one_page_pdf)
    signed = document_pdf(document, actor="system:test", purpose="prueba")
    roots = [asn1_x509.Certificate.load(der) for der in document_signer().roots_der]
    # given the portal's test root as the only trust anchor
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(signed)).embedded_signatures[0],
                                    ValidationContext(trust_roots=roots))
    # then pyHanko finds the PAdES signature intact, valid, trusted and over the whole file
    assert status.bottom_line and status.intact and status.trusted
    assert "/ETSI.CAdES.detached" in signed.decode("latin-1")
    # the stamped QR (drawn before signing) links to the document's /verificar/ address
    page = PdfFileReader(io.BytesIO(signed)).root["/Pages"]["/Kids"][0].get_object()
    links = [a.get_object()["/A"]["/URI"] for a in page["/Annots"] if a.get_object()["/Subtype"] == "/Link"]
    assert links == [f"https://migraciones.example/verificar/{document.code}"]
    # and one byte changed breaks it
    tampered = _flip_one_byte(signed)
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(tampered), strict=False).embedded_signatures[0],
                                    ValidationContext(trust_roots=roots))
    assert not status.intact


def test_codes_use_the_alphabet_without_look_alikes_and_are_unique(one_page_pdf):
    made = {codes.code_new() for _ in range(2000)}
    assert len(made) == 2000
    assert all(re.fullmatch("[34679ACEFHJKMNPRTVWXY]{16}", code) for code in made)
    assert not set("0O1IL2Z5S8BQDGU") & set(codes.ALPHABET)
    document = _issue(one_page_pdf)
    assert re.fullmatch(r"(\w{4}-){3}\w{4}", document.code_display)
    # typed in lower case with spaces or dashes, the code still finds the document
    typed = " " + document.code_display.lower().replace("-", " ") + " "
    assert document_by_code(typed) == document
    assert document_by_code(document.code_display) == document
    assert document_by_code("0000-0000-0000-0000") is None
    # and the database refuses a second document with the same code
    from core.errors import Conflict

    with pytest.raises(Conflict):
        _issue(one_page_pdf, code=document.code)


def test_the_qr_points_to_verificar_and_can_carry_a_seal():
    code = codes.code_new()
    plain = qr_parse(qr_text(code))
    assert plain.code == code and plain.vds is None
    assert qr_text(code).startswith(f"https://migraciones.example/verificar/{code}")
    seal = '{"data":{"hdr":{"t":"TAM"},"msg":{"n":"TAM1"}},"sig":{}}'
    both = qr_parse(qr_text(code, vds=seal))
    assert (both.code, both.vds) == (code, seal)
    assert qr_parse(seal) == type(both)(None, seal)  # a QR printed before the rail: the seal alone


def test_facts_outside_the_kind_are_refused(one_page_pdf):
    with pytest.raises(ValidationFailed):
        document_issue(kind="CONSTANCIA", pdf=one_page_pdf, facts={**FACTS, "birth_date": "1990-04-02"},
                       record_kind="tramites.Case", record_id=1, actor="system:tramites")


def test_verificar_says_valid_and_shows_only_the_key_facts(client, one_page_pdf):
    document = _issue(one_page_pdf)
    page = client.get(f"/verificar/{document.code}")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-result="VALID"' in html
    assert "LM-2026-000123" in html and "R*** P***, C***" in html and document.code_display in html
    # nothing of the record beyond the kind's facts: no PDF link, no storage path, no record id
    assert document.file not in html and "tramites.Case" not in html and ".pdf" not in html
    typed = client.post("/verificar/", {"codigo": document.code_display.lower()})
    assert 'data-result="VALID"' in typed.content.decode()


def test_verificar_says_revoked_with_date_and_reason(client, one_page_pdf):
    document = _issue(one_page_pdf)
    revoked = document_revoke(document=document, reason="Emitido con un error en el nombre", actor="system:tramites")
    html = client.get(f"/verificar/{document.code}").content.decode()
    assert 'data-result="REVOKED"' in html and "Emitido con un error en el nombre" in html
    assert revoked.revoked_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Lima")).strftime("%d/%m/%Y") in html
    assert 'data-result="VALID"' not in html


def test_verificar_says_unknown(client):
    page = client.get("/verificar/4H7K-MNPR-TVWX-3A9C")
    assert page.status_code == 404 and 'data-result="UNKNOWN"' in page.content.decode()
    assert 'data-result="UNKNOWN"' in client.get("/verificar/not-a-code").content.decode()


def test_an_uploaded_pdf_is_valid_only_byte_for_byte(client, one_page_pdf):
    document = _issue(one_page_pdf)
    signed = document_pdf(document, actor="system:test", purpose="prueba")

    def upload(data):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post("/verificar/archivo/", {"archivo": SimpleUploadedFile("d.pdf", data, "application/pdf")})

    assert 'data-result="VALID"' in upload(signed).content.decode()
    tampered = upload(_flip_one_byte(signed)).content.decode()
    assert 'data-result="NOT_VALID"' in tampered and 'data-result="VALID"' not in tampered
    assert 'data-result="NOT_VALID"' in upload(one_page_pdf).content.decode()  # the unsigned original


def test_revoking_needs_the_permission_and_is_audited(one_page_pdf):
    document = _issue(one_page_pdf)
    users = get_user_model()
    clerk = users.objects.create_user(username="clerk.docs", password="x-Secreta-2026")
    with pytest.raises(PermissionDenied):
        document_revoke(document=document, reason="error", actor=clerk)
    assert Document.objects.get(pk=document.pk).revoked_at is None
    supervisor = users.objects.create_user(username="supervisor.docs", password="x-Secreta-2026")
    supervisor.user_permissions.add(Permission.objects.get(codename="revoke_document"))
    supervisor = users.objects.get(pk=supervisor.pk)
    document_revoke(document=document, reason="Resolución anulada", actor=supervisor)
    entry = AuditEntry.objects.filter(action="documentos.revoke").get()
    assert entry.person_id == 77 and entry.details["reason"] == "Resolución anulada"
    assert AuditEntry.objects.filter(action="documentos.issue", person_id=77).exists()


def test_reading_the_pdf_is_audited_with_its_purpose(one_page_pdf):
    document = _issue(one_page_pdf)
    assert document_pdf(document, actor="system:buzon", purpose="adjunto de una notificación").startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="documentos.pdf")
    assert entry.kind == "read" and entry.person_id == 77 and entry.purpose == "adjunto de una notificación"


def test_verificar_is_throttled_per_address(client, settings, one_page_pdf):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "documentos_verify_ip": "3/min"}
    # given someone sweeping codes from one address, forging X-Forwarded-For each time
    answers = [client.get(f"/verificar/4H7K-MNPR-TVWX-3A9{c}", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
               for i, c in enumerate("CEFH")]
    assert answers == [404, 404, 404, 429]
    # then even a real code is refused from that address for now
    document = _issue(one_page_pdf)
    page = client.get(f"/verificar/{document.code}")
    assert page.status_code == 429 and "Demasiados intentos" in page.content.decode() and "Retry-After" in page
    assert 'data-result="VALID"' not in page.content.decode()
    # and the API shares the page's count
    assert client.get(f"/api/v1/documentos/verificar/{document.code}").status_code == 429


def test_signing_works_when_cms_names_were_used_before_pyhanko_was_imported(client, one_page_pdf):
    # given asn1crypto's name -> OID map built before asn1crypto.tsp added signing_certificate_v2
    # (what happens when the passport code reads a SOD first in the same process)
    from asn1crypto import cms

    attribute_type = cms.CMSAttributeType
    oid = "1.2.840.113549.1.9.16.2.47"
    name = attribute_type._map.pop(oid)
    attribute_type._reverse_map = None
    attribute_type()._setup()
    attribute_type._map[oid] = name
    assert name not in attribute_type._reverse_map
    # then a document is still signed and verifies
    document = _issue(one_page_pdf)
    assert 'data-result="VALID"' in client.get(
        f"/verificar/{document.code}").content.decode()


def test_each_public_check_is_shown_to_the_holder_and_unknown_codes_write_nothing(client, one_page_pdf):
    document = _issue(one_page_pdf)
    client.get(f"/verificar/{document.code}")
    client.post("/verificar/", {"codigo": document.code_display})
    client.get("/verificar/4H7K-MNPR-TVWX-3A9C")
    entries = AuditEntry.objects.filter(action="documentos.verify").order_by("id")
    assert [(e.details["via"], e.person_id, e.kind) for e in entries] == [("qr", 77, "read"), ("code", 77, "read")]


def test_the_api_answers_like_the_page(client, one_page_pdf):
    document = _issue(one_page_pdf)
    answer = client.get(f"/api/v1/documentos/verificar/{document.code_display.lower()}")
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "VALID" and body["kind"] == "CONSTANCIA"
    assert body["facts"] == FACTS and body["revoked_at"] is None
    document_revoke(document=document, reason="Expediente desistido", actor="system:tramites")
    body = client.get(f"/api/v1/documentos/verificar/{document.code}").json()
    assert body["status"] == "REVOKED" and body["revoked_reason"] == "Expediente desistido" and body["revoked_at"]
    unknown = client.get("/api/v1/documentos/verificar/4H7K-MNPR-TVWX-3A9C")
    assert unknown.status_code == 404 and unknown.json() == {"status": "UNKNOWN"}
