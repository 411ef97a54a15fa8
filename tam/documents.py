"""The TAM as a document: its QR (the /verificar/ address with the seal, or the seal alone on TAMs
printed before the documents rail) and an A4 PDF (weasyprint) with that QR, to be signed by documentos."""
from __future__ import annotations

import base64

from django.template.loader import render_to_string

from documentos.codes import code_display
from documentos.rendering import pdf_render
from documentos.qr import qr_png, qr_text
from mrtd.vds import seal_qr_png

from .models import Tam


def tam_qr_text(tam: Tam, *, code: str | None = None) -> str:
    """What the QR holds: with a verification code, its address and the seal after '#vds='."""
    return qr_text(code, vds=tam.seal) if code else tam.seal


def tam_qr_png(tam: Tam, *, code: str | None = None, scale: int = 4) -> bytes:
    return qr_png(tam_qr_text(tam, code=code), scale=scale) if code else seal_qr_png(tam.seal, scale=scale)


def tam_context(tam: Tam, *, code: str | None = None) -> dict:
    qr = base64.b64encode(tam_qr_png(tam, code=code)).decode("ascii")
    return {"tam": tam, "qr_data_uri": f"data:image/png;base64,{qr}",
            "verification_code": code_display(code) if code else ""}


def tam_html(tam: Tam, *, code: str | None = None) -> str:
    return render_to_string("tam/tam_document.html", tam_context(tam, code=code))


def tam_pdf(tam: Tam, *, code: str | None = None) -> bytes:
    """The unsigned PDF, in the active language; documentos signs it (tam.services.tam_document)."""
    return pdf_render("tam/tam_document.html", tam_context(tam, code=code), language=None)
