"""MRZ from a photo of the data page: passporteye finds the zone, tesseract reads it, mrtd repairs it."""
from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from mrtd.errors import MRZError
from mrtd.mrz import parse_mrz

MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _read_mrz(gray):
    """passporteye's pipeline on pixels already decoded by the safe decoder (its own loader would decode
    the file again, with no pixel limit and accepting truncated data)."""
    from passporteye.mrz.image import MRZPipeline

    pipeline = MRZPipeline(None)
    pipeline.replace_component("loader", lambda: gray, provides=["img"], depends=[])
    return pipeline.result


def mrz_from_photo(data: bytes, *, field: str = "mrz_photo") -> list[str]:
    """The MRZ lines of a data-page photo, with OCR confusions repaired by the check digits."""
    lines = mrz_lines_from_photo(data, field=field)
    try:
        result = parse_mrz(lines, repair=True)
    except MRZError as exc:
        raise ValidationFailed(_("La MRZ leída no es válida."), fields={field: str(exc)}) from exc
    return result.lines


def mrz_lines_from_photo(data: bytes, *, field: str = "mrz_photo") -> list[str]:
    """The MRZ lines of a data-page photo as the OCR read them (brought to the MRZ's width, not
    repaired): the counter shows them to the officer, with the likely fix, to confirm."""
    import numpy as np

    from biometria.engine import images

    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("La foto es demasiado grande."), fields={field: _("Máximo 10 MB.")})
    # Size, type, pixel count from the header, truncation: refused before any decoding work.
    decoded = images.decode_image(data, field=field, allowed=images.FACE_FORMATS, max_bytes=MAX_PHOTO_BYTES)
    gray = np.asarray(images.to_gray(decoded.image), dtype=np.float64) / 255.0  # as skimage's as_gray gives
    try:
        found = _read_mrz(gray)
    except Exception as exc:  # passporteye raises whatever skimage or tesseract raise on bad input
        raise ValidationFailed(_("No se pudo leer la foto."), fields={field: str(exc)[:200]}) from exc
    if found is None:
        raise ValidationFailed(_("No se encontró la MRZ en la foto."),
                               fields={field: _("Fotografíe la página de datos completa, sin reflejos.")})
    lines = [line.replace(" ", "") for line in (found.aux.get("raw_text") or found.aux.get("text") or "").splitlines() if line.strip()]
    return _fit_lines(lines)


def _fit_lines(lines: list[str]) -> list[str]:
    """OCR drops or adds trailing fillers: bring every line to the MRZ width the count of lines implies."""
    widths = {3: 30, 2: 44 if max(map(len, lines), default=0) > 40 else 36}
    width = widths.get(len(lines))
    if width is None:
        return lines
    return [(line + "<" * width)[:width] if len(line.rstrip("<")) <= width else line for line in lines]
