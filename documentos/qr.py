"""What a document's QR holds: the /verificar/<code> address, and for offline checks a VDS after '#'.

New QRs read `https://<site>/verificar/<CODE>#vds=<base64url of the seal's JSON>`: a phone camera
opens the page (the fragment never leaves the phone, so the seal's personal data reaches no server
log), and an offline verifier reads the seal from the fragment and checks it with `mrtd.vds`.
QRs printed before this rail hold the seal's JSON alone; `qr_parse` reads both.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

from mrtd.vds import seal_qr_png

from .codes import code_normalize

VDS_FRAGMENT = "vds="


def verify_page_url() -> str:
    return f"{settings.SITE_URL}{reverse('documentos:verify')}"


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('documentos:verify_code', args=[code])}"


def qr_text(code: str, *, vds: bytes | str | None = None) -> str:
    url = verification_url(code)
    if not vds:
        return url
    raw = vds.encode("utf-8") if isinstance(vds, str) else vds
    return f"{url}#{VDS_FRAGMENT}{base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')}"


def qr_png(text: str, *, scale: int = 4) -> bytes:
    """PNG of the QR (error correction M, as printed documents use), for builders that draw it."""
    return seal_qr_png(text, scale=scale)


@dataclass(frozen=True)
class QrContent:
    code: str | None  # the verification code, when the QR is a /verificar/ address
    vds: str | None  # the seal's JSON text, when the QR carries one


def qr_parse(text: str) -> QrContent:
    """Read what a scanner returned: a /verificar/ address (with or without a seal) or a bare seal."""
    text = (text or "").strip()
    if text.startswith("{"):
        return QrContent(None, text)  # a QR printed before the documents rail: the seal alone
    parts = urlsplit(text)
    code = None
    marker = "/verificar/"
    if marker in parts.path:
        code = code_normalize(parts.path.split(marker, 1)[1].strip("/"))
    vds = None
    if parts.fragment.startswith(VDS_FRAGMENT):
        encoded = parts.fragment[len(VDS_FRAGMENT):]
        try:
            vds = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
        except (binascii.Error, ValueError):
            vds = None
    return QrContent(code, vds)
