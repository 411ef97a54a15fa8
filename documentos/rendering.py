"""The one way a service turns a template into the PDF it issues, and serves a stored PDF to its holder."""
from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def pdf_render(template: str, context: dict, *, language: str | None = "es") -> bytes:
    """The unsigned PDF of `template` (weasyprint), in `language` (None: the active one); sign it with
    documentos.services.document_issue. Issued documents are Spanish first, whatever the page's language."""
    from weasyprint import HTML  # heavy: loaded when a document is first rendered, not at start-up

    if language is None:
        return HTML(string=render_to_string(template, context)).write_pdf()
    with translation.override(language):
        return HTML(string=render_to_string(template, context)).write_pdf()


def pdf_attachment(data: bytes, filename: str) -> HttpResponse:
    """A stored PDF as a download; never kept by a shared cache (it holds a person's data)."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def pdf_engine_warm() -> None:
    """Load what the first document would pay for (weasyprint's fonts and layout engine, the signing key
    and certificates): a worker process calls it when it starts, so the first act it issues takes tens
    of milliseconds rather than seconds (docs/BENCHMARKS.md, issue 13)."""
    from weasyprint import HTML

    from .signing import Stamp, pdf_sign

    pdf = HTML(string="<p style='font-family: DejaVu Sans'>MIGRACIONES · ñáé</p>").write_pdf()
    pdf_sign(pdf, stamp=Stamp(qr_text="https://migraciones.gob.pe/verificar/WARM", caption="warm-up"),
             reason="warm-up")
