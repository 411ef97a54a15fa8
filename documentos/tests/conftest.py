"""Fixtures of the documents rail: a test PKI of its own (CSCA and document signer) made once per session."""
import pytest


@pytest.fixture(scope="session")
def documentos_pki_dir(tmp_path_factory):
    from mrtd.pki import init_test_pki

    directory = tmp_path_factory.mktemp("documentos-pki")
    init_test_pki(directory)
    return directory


@pytest.fixture(autouse=True)
def _documentos_pki(settings, documentos_pki_dir):
    settings.MRTD_PKI_DIR = documentos_pki_dir
    settings.DOCUMENTOS_SIGNER_DIR = ""
    settings.SITE_URL = "https://migraciones.example"


@pytest.fixture(scope="session")
def one_page_pdf():
    from weasyprint import HTML

    return HTML(string="<h1>Constancia de trámite</h1><p>Expediente LM-2026-000123</p>").write_pdf()
