"""Fixtures of the documents rail: every test signs under the session's test PKI, and a one-page PDF."""
import pytest


@pytest.fixture(autouse=True)
def _documentos_pki(document_signing):
    """Every test here signs under the session's test PKI (the root conftest's document_signing)."""


@pytest.fixture(scope="session")
def one_page_pdf():
    from weasyprint import HTML

    return HTML(string="<h1>Constancia de trámite</h1><p>Expediente LM-2026-000123</p>").write_pdf()
