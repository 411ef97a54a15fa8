"""Faces at control: the chip photo (DG2) and the live capture as 128-d encodings, and their 1:1 match."""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
from django.conf import settings
from PIL import ImageOps

from biometria.engine import FaceCountError, compare_faces
from biometria.engine.face import DLIB_LOCK
from biometria.engine import images as engine_images
from biometria.engine.matching import MatchDecision
from mrtd.errors import MRTDError
from mrtd.lds import decode_dg2

from . import face_worker

logger = logging.getLogger(__name__)

# dlib's detector, shape predictor and ResNet are process-wide objects that are not thread-safe:
# concurrent calls from a threaded server corrupted the heap (SIGSEGV, "double linked list
# corrupted") in the benchmark. In-process (the fallback) one face computation at a time, under the
# same lock as biometria's engine so the two apps never call dlib together.
_dlib_lock = DLIB_LOCK

# dlib holds the GIL while it encodes, which stalled the PNP/Interpol look-ups of the same worker
# (95 ms instead of 40): faces are encoded in a few worker processes instead, started on first use.
# CONTROL_FACE_PROCESSES = 0 keeps everything in-process.
_pool: ProcessPoolExecutor | None = None
_pool_failed = False
_pool_lock = threading.Lock()

# Encodings of recently seen chip photos, by the SHA-256 of DG2, in this process's memory only
# (never written anywhere): a retried verification does not pay for the encoding again.
_RECENT_MAX = 256
_recent: OrderedDict[str, np.ndarray] = OrderedDict()
_recent_lock = threading.Lock()
# Chip encodings under way (started by `prefetch_chip`), so the request that needs them waits for
# the same computation instead of starting a second one.
_inflight: dict[str, PendingEncoding] = {}


class ChipPhotoUnusable(Exception):
    """DG2 holds no decodable face image with exactly one face."""


class PendingEncoding:
    """An encoding being computed (in a face process or already done); `result` raises its typed error."""

    def __init__(self, *, field: str, future: Future | None = None, value: np.ndarray | None = None,
                 error: Exception | None = None, faces_found: int = 1,
                 retry: Callable[[], PendingEncoding] | None = None) -> None:
        self.field, self._future, self._value, self._error, self._faces = field, future, value, error, faces_found
        self._retry = retry  # computes in-process when the face processes died

    def result(self) -> np.ndarray:
        # Not memoised on self: a prefetched chip encoding is awaited by every request with that DG2.
        found, value = self._faces, self._value
        if self._future is not None:
            try:
                found, value = self._future.result()
            except BrokenProcessPool:
                _discard_pool()
                if self._retry is None:
                    raise
                return self._retry().result()
        if self._error is not None:
            raise self._error
        if value is None:
            raise _face_count_error(found, self.field)
        return value


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


def prefetch_chip(dg2: bytes) -> None:
    """Start encoding the chip photo now (unless cached or under way), so it runs beside other checks."""
    digest = dg2_digest(dg2)
    with _recent_lock:
        if digest in _recent or digest in _inflight:
            return
    try:
        pending = _start_chip(dg2)
    except ChipPhotoUnusable:
        return  # reported when the encoding is asked for
    with _recent_lock:
        _inflight.setdefault(digest, pending)
        while len(_inflight) > _RECENT_MAX:  # one never asked for (the live face had no face)
            _inflight.pop(next(iter(_inflight)))


def chip_encoding(dg2: bytes) -> np.ndarray:
    """The chip photo's encoding, from the in-memory cache when the same DG2 was seen lately."""
    digest = dg2_digest(dg2)
    with _recent_lock:
        cached = _recent.get(digest)
        if cached is not None:
            _recent.move_to_end(digest)
            return cached
        pending = _inflight.get(digest)
    try:
        encoding = (pending or _start_chip(dg2)).result()
    finally:
        with _recent_lock:
            _inflight.pop(digest, None)
    remember(digest, encoding)
    return encoding


def _start_chip(dg2: bytes) -> PendingEncoding:
    return start_encoding(chip_photo(dg2), field="chip.dg2")


def remember(digest: str, encoding: np.ndarray) -> None:
    with _recent_lock:
        _recent[digest] = encoding
        _recent.move_to_end(digest)
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def forget_all() -> None:
    with _recent_lock:
        _recent.clear()
        _inflight.clear()


def encode_image(data: bytes, *, field: str, in_process: bool = False) -> np.ndarray:
    """Encoding of the single face in an image (live crop or chip portrait); typed errors name the field."""
    return start_encoding(data, field=field, in_process=in_process).result()


def start_encoding(data: bytes, *, field: str, in_process: bool = False) -> PendingEncoding:
    """Decode here (bad input is a typed error naming the field) and encode in a face process."""
    try:
        decoded = engine_images.decode_image(data, field=field, allowed=engine_images.FACE_FORMATS)
    except Exception as exc:  # raised when the result is asked for, like any encoding error
        return PendingEncoding(field=field, error=exc)
    pixels = np.ascontiguousarray(np.asarray(engine_images.to_rgb(ImageOps.exif_transpose(decoded.image))),
                                  dtype=np.uint8)
    pool = None if in_process else _face_pool()
    if pool is not None:
        try:
            future = pool.submit(face_worker.encode, pixels)
            return PendingEncoding(field=field, future=future, retry=lambda: _encode_here(pixels, field))
        except (BrokenProcessPool, RuntimeError):
            _discard_pool()
    return _encode_here(pixels, field)


def _encode_here(pixels: np.ndarray, field: str) -> PendingEncoding:
    with _dlib_lock:
        found, encoding = face_worker.encode(pixels)
    return PendingEncoding(field=field, value=encoding, faces_found=found)


def _face_count_error(found: int, field: str) -> FaceCountError:
    return FaceCountError(
        "No se encontró ningún rostro en la imagen." if not found
        else f"Se encontraron {found} rostros; la foto debe mostrar a una sola persona.",
        fields={field: f"rostros encontrados: {found}"}, extra={"faces_found": found},
    )


def face_processes() -> int:
    """Face processes per server process: one, as the server already runs one process per core (two
    per server process measured 7.0/s instead of 9.0/s cold: four dlib processes fought for two cores)."""
    return int(settings.CONTROL_FACE_PROCESSES)


def _face_pool() -> ProcessPoolExecutor | None:
    global _pool, _pool_failed
    if _pool is not None or _pool_failed:
        return _pool
    with _pool_lock:
        if _pool is None and not _pool_failed:
            workers = face_processes()
            # A Celery prefork child is a daemonic process, and daemonic processes may not have
            # children: there the encoding runs in the process itself (it is a worker already).
            if workers <= 0 or multiprocessing.current_process().daemon:
                _pool_failed = True
                return None
            try:
                # forkserver: workers do not inherit this process's threads, sockets or Django state.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["control.face_worker"])
                _pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            except (OSError, ValueError, RuntimeError) as exc:
                logger.warning("control.faces: sin procesos de rostro (%s); se calcula en el proceso", exc)
                _pool_failed = True
    return _pool


def _discard_pool() -> None:
    global _pool, _pool_failed
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool, _pool_failed = None, True
    logger.warning("control.faces: el grupo de procesos de rostro falló; se calcula en el proceso")


def match(reference: np.ndarray, live: np.ndarray) -> MatchDecision:
    return compare_faces(reference, live)
