"""The TAM as a document: QR of its seal (segno) and an A4 PDF (weasyprint) with that QR."""
from __future__ import annotations

import base64

from django.template.loader import render_to_string

from mrtd.vds import seal_qr_png

from .models import Tam


def tam_qr_png(tam: Tam, *, scale: int = 4) -> bytes:
    return seal_qr_png(tam.seal, scale=scale)


def tam_context(tam: Tam) -> dict:
    qr = base64.b64encode(tam_qr_png(tam)).decode("ascii")
    return {"tam": tam, "qr_data_uri": f"data:image/png;base64,{qr}"}


def tam_html(tam: Tam) -> str:
    return render_to_string("tam/tam_document.html", tam_context(tam))


def tam_pdf(tam: Tam) -> bytes:
    from weasyprint import HTML

    return HTML(string=tam_html(tam)).write_pdf()
