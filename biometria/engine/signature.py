"""Signature capture for DG7: any accepted image, flattened to a grey PNG of bounded size."""
from __future__ import annotations

from PIL import Image

from . import images
from .errors import ImageCorrupt

MAX_SIDE = 1000


def capture_signature(data: bytes, *, field: str = "signature") -> bytes:
    decoded = images.decode_image(data, field=field, allowed=images.SIGNATURE_FORMATS)
    gray = images.to_gray(decoded.image)
    if min(gray.size) < 20:
        raise ImageCorrupt("La firma es demasiado pequeña.", fields={field: f"{gray.width}x{gray.height}"})
    if max(gray.size) > MAX_SIDE:
        gray.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    return images.encode_png(gray)
