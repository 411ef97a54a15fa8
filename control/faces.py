"""Faces at control: the chip photo (DG2) and the live capture as 128-d encodings, and their 1:1 match."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import face_recognition
import numpy as np
from PIL import Image, ImageOps

from biometria.engine import FaceCountError, compare_faces
from biometria.engine import images as engine_images
from biometria.engine.matching import MatchDecision
from mrtd.errors import MRTDError
from mrtd.lds import decode_dg2

# A gate's live crop and a chip portrait show one large face: HOG finds it on a copy at most this
# many pixels a side without upsampling (4x cheaper than biometria's 480 px upsampled enrolment path).
FAST_DETECT_MAX_SIDE = 320
# dlib's detector, shape predictor and ResNet are process-wide objects that are not thread-safe:
# concurrent calls from a threaded server corrupted the heap (SIGSEGV, "double linked list
# corrupted") in the benchmark. One face computation at a time per process; scale with processes.
_dlib_lock = threading.Lock()

# Encodings of recently seen chip photos, by the SHA-256 of DG2, in this process's memory only
# (never written anywhere): a retried verification does not pay for the encoding again.
_RECENT_MAX = 256
_recent: OrderedDict[str, np.ndarray] = OrderedDict()
_recent_lock = threading.Lock()


class ChipPhotoUnusable(Exception):
    """DG2 holds no decodable face image with exactly one face."""


def dg2_digest(dg2: bytes) -> str:
    return hashlib.sha256(dg2).hexdigest()


def chip_photo(dg2: bytes) -> bytes:
    """The first face image of DG2 (JPEG or JPEG 2000 bytes)."""
    try:
        images = decode_dg2(dg2)
    except MRTDError as exc:
        raise ChipPhotoUnusable(f"DG2 ilegible: {exc}") from exc
    if not images:
        raise ChipPhotoUnusable("DG2 sin imagen facial")
    return images[0].image_bytes


def chip_encoding(dg2: bytes) -> np.ndarray:
    """The chip photo's encoding, from the in-memory cache when the same DG2 was seen lately."""
    digest = dg2_digest(dg2)
    with _recent_lock:
        cached = _recent.get(digest)
        if cached is not None:
            _recent.move_to_end(digest)
            return cached
    encoding = encode_image(chip_photo(dg2), field="chip.dg2")
    remember(digest, encoding)
    return encoding


def remember(digest: str, encoding: np.ndarray) -> None:
    with _recent_lock:
        _recent[digest] = encoding
        _recent.move_to_end(digest)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def forget_all() -> None:
    with _recent_lock:
        _recent.clear()


def encode_image(data: bytes, *, field: str) -> np.ndarray:
    """Encoding of the single face in an image (live crop or chip portrait); typed errors name the field.

    Detection runs on a small copy without upsampling, and falls back to upsampling once when that
    finds no face (a small face in a wide shot); the encoding uses the full-resolution pixels.
    """
    decoded = engine_images.decode_image(data, field=field, allowed=engine_images.FACE_FORMATS)
    rgb = engine_images.to_rgb(ImageOps.exif_transpose(decoded.image))
    with _dlib_lock:
        boxes = _detect(rgb, upsample=0) or _detect(rgb, upsample=1)
        if len(boxes) == 1:
            return face_recognition.face_encodings(np.asarray(rgb), boxes, num_jitters=1, model="small")[0]
    raise FaceCountError(
        "No se encontró ningún rostro en la imagen." if not boxes
        else f"Se encontraron {len(boxes)} rostros; la foto debe mostrar a una sola persona.",
        fields={field: f"rostros encontrados: {len(boxes)}"}, extra={"faces_found": len(boxes)},
    )


def _detect(rgb: Image.Image, *, upsample: int) -> list[tuple[int, int, int, int]]:
    scale = min(1.0, FAST_DETECT_MAX_SIDE / max(rgb.size))
    small = rgb if scale == 1.0 else rgb.resize((round(rgb.width * scale), round(rgb.height * scale)),
                                                Image.BILINEAR)
    found = face_recognition.face_locations(np.asarray(small), number_of_times_to_upsample=upsample, model="hog")
    width, height = rgb.size
    return [(max(0, round(t / scale)), min(width, round(r / scale)), min(height, round(b / scale)),
             max(0, round(l / scale))) for t, r, b, l in found]


def match(reference: np.ndarray, live: np.ndarray) -> MatchDecision:
    return compare_faces(reference, live)
