"""Call-backs services register with the rail at start-up (the rail never imports a service app)."""
from __future__ import annotations

from django.urls import reverse

_seal_page: list[str] = []


def seal_page_register(url_name: str) -> None:
    """The page that checks a bare VDS (QRs printed before this rail carried only the seal): the
    camera scan on /verificar/ sends such a QR there. The TAM registers its seal check."""
    if url_name not in _seal_page:
        _seal_page[:] = [url_name]


def seal_page_url() -> str | None:
    return reverse(_seal_page[0]) if _seal_page else None
