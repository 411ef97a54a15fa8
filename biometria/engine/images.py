"""Decoding uploaded images (JPEG, PNG with alpha, JPEG 2000, WSQ) with size and type checks.

`decode_image` is the one safe way in for every image the portal decodes (biometria, pasaporte,
control): the byte size is checked before anything is parsed, the pixel count is read from the
header before a single pixel is decoded (Image.open is lazy), and truncated images are refused
even when a dependency has switched Pillow's LOAD_TRUNCATED_IMAGES on for the whole process.
"""
from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import wsq  # noqa: F401  # registers the WSQ decoder with Pillow
from PIL import Image, ImageFile, UnidentifiedImageError

from .errors import ImageCorrupt, ImageTooLarge, ImageUnsupported

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# 25 megapixels (a 6000 x 4000 camera photo) decode to at most 100 MB in RGBA; a bigger header is
# refused before decoding, so a small file claiming huge dimensions costs nothing.
MAX_PIXELS = 25_000_000

# Magic numbers decide the type, never the file name (the ICAO sample is JPEG 2000 named .jpg).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),  # raw J2K codestream, as some DG2 records carry it
    (b"\xff\xa0", "WSQ"),
)
FACE_FORMATS = frozenset({"JPEG", "PNG", "JPEG2000"})
FINGER_FORMATS = frozenset({"JPEG", "PNG", "WSQ", "JPEG2000"})
SIGNATURE_FORMATS = frozenset({"JPEG", "PNG", "JPEG2000"})


@dataclass(frozen=True)
class DecodedImage:
    """A decoded image and what it was: the format found by its magic number."""

    image: Image.Image
    format: str
    size_bytes: int


def sniff_format(data: bytes) -> str | None:
    """The image format named by the first bytes, or None when they name none we know."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def find_embedded_image(data: bytes) -> bytes:
    """The JPEG or JPEG 2000 image inside a DG2 record (or the bytes themselves if already an image)."""
    if sniff_format(data):
        return data
    # ISO 19794-5 and ISO 39794-5 wrap the image after a header; the image is the rest of the record.
    for magic in (b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51", b"\xff\xd8\xff"):
        at = data.find(magic)
        if at >= 0:
            return data[at:]
    return data


def decode_image(data: bytes, *, field: str, allowed: frozenset[str], max_bytes: int = MAX_IMAGE_BYTES,
                 max_pixels: int = MAX_PIXELS) -> DecodedImage:
    """Decode `data`, raising 413 when too large, 415 when not an allowed image, 400 when corrupt."""
    if len(data) > max_bytes:
        raise ImageTooLarge(
            f"La imagen supera el límite de {max_bytes // (1024 * 1024)} MB.",
            fields={field: f"{len(data)} bytes > {max_bytes}"},
        )
    kind = sniff_format(data)
    if kind is None or kind not in allowed:
        raise ImageUnsupported(
            "El archivo no es una imagen admitida.",
            fields={field: f"formatos admitidos: {', '.join(sorted(allowed))}"},
        )
    image = _open(data, field=field, max_pixels=max_pixels)
    return DecodedImage(image=image, format=kind, size_bytes=len(data))


def refuse_truncated_images(*, warn: bool = True) -> None:
    """Switch Pillow's LOAD_TRUNCATED_IMAGES off again: face_recognition and weasyprint turn it on at import."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        if warn:
            logger.warning("PIL.ImageFile.LOAD_TRUNCATED_IMAGES was on; switched off so truncated images are refused")
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def _open(data: bytes, *, field: str, max_pixels: int) -> Image.Image:
    too_many = "La imagen tiene demasiados píxeles."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # lazy: only the header is parsed here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(too_many, fields={field: "bomba de descompresión"})
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageCorrupt("La imagen está dañada o incompleta.", fields={field: str(exc)[:200]})
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageCorrupt("La imagen está dañada o incompleta.", fields={field: f"{width}x{height}"})
    if width * height > max_pixels:
        image.close()
        raise ImageTooLarge(too_many, fields={field: f"{width}x{height} > {max_pixels} píxeles"})
    refuse_truncated_images()  # checked at every decode: the flag is process-wide and anyone may set it
    try:
        image.load()  # decode now, so truncated data fails here and not later
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(too_many, fields={field: "bomba de descompresión"})
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageCorrupt("La imagen está dañada o incompleta.", fields={field: str(exc)[:200]})
    return image


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB with any transparency flattened onto white (a missing background reads as white)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale with transparency flattened onto white (fingerprint scanners give white paper)."""
    return to_rgb(image).convert("L") if image.mode not in ("L", "I;16", "I") else image.convert("L")


def encode_jpeg(image: Image.Image, *, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def encode_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
