"""The process's 1:N gallery, in BIOMETRIA_GALLERY_DIR (default VAR_DIR/biometria/gallery)."""
from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from .engine.gallery import Candidate, Gallery

# Above this many rows 1:N search uses the hnswlib index (exact search stays under 25 ms to ~1M).
ANN_MIN_ROWS = 2_000_000

_lock = threading.Lock()
_galleries: dict[Path, Gallery] = {}


def gallery_dir() -> Path:
    configured = getattr(settings, "BIOMETRIA_GALLERY_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "biometria" / "gallery"


def get_gallery() -> Gallery:
    directory = gallery_dir()
    with _lock:
        if directory not in _galleries:
            _galleries[directory] = Gallery(directory)
        return _galleries[directory]


def gallery_search(encoding, *, k: int = 10, max_distance: float | None = None) -> list[Candidate]:
    """The nearest enrollments: exact below BIOMETRIA_ANN_MIN_ROWS rows, through hnswlib above."""
    gallery = get_gallery()
    min_rows = getattr(settings, "BIOMETRIA_ANN_MIN_ROWS", ANN_MIN_ROWS)
    if len(gallery) >= min_rows:
        return gallery.search_ann(encoding, k, max_distance=max_distance)
    return gallery.search_exact(encoding, k, max_distance=max_distance)
