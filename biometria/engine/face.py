"""Face capture: HOG detection on a downscaled copy, ICAO-style quality, DG2 portrait, 128-d encoding."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import face_recognition
import numpy as np
from PIL import Image, ImageFilter, ImageOps

from . import images
from .errors import FaceCountError
from .quality import QualityReport, at_least, at_most, between

DETECT_MAX_SIDE = 480  # HOG costs ~4x per doubling of side; 480p finds faces down to ~40 px
ENCODING_SIZE = 128
PORTRAIT_SIZE = (360, 480)  # ICAO 3:4 portrait for DG2

# Quality limits (ISO/IEC 19794-5 and ICAO 9303 part 9 in spirit; see docs/BIOMETRICS.md).
MIN_EYE_DISTANCE_PX = 60  # ISO 19794-5 asks 60 px between eye centres at least (90 recommended)
MAX_CENTRE_OFFSET = 0.20  # face centre from image centre, as a fraction of width
MAX_ROLL_DEGREES = 8.0
MIN_SHARPNESS = 80.0  # variance of the Laplacian, face resized to 128 px wide; sharp photos give 300+
EXPOSURE_RANGE = (60.0, 210.0)  # mean grey level of the face
MAX_BACKGROUND_STDDEV = 45.0  # grey-level spread of the background beside the head

Box = tuple[int, int, int, int]  # top, right, bottom, left (face_recognition's order)

# dlib's detector and models are not thread-safe (threads in one worker crashed with heap
# corruption, see docs/BENCHMARKS.md "Control"): one call at a time per process.
DLIB_LOCK = threading.Lock()


@dataclass(frozen=True)
class FaceCapture:
    """Everything enrollment and matching need from one face photo."""

    encoding: np.ndarray  # float64 (128,), as face_recognition returns it
    box: Box
    quality: QualityReport
    portrait_jpeg: bytes
    source_format: str


def detect_faces(rgb: Image.Image) -> list[Box]:
    """Face boxes in full-resolution coordinates, found by HOG on a copy at most 480 px a side."""
    scale = min(1.0, DETECT_MAX_SIDE / max(rgb.size))
    small = rgb if scale == 1.0 else rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.BILINEAR)
    with DLIB_LOCK:
        found = face_recognition.face_locations(np.asarray(small), number_of_times_to_upsample=1, model="hog")
    return [_clip_box(tuple(round(v / scale) for v in box), rgb.size) for box in found]


def _clip_box(box: tuple[int, ...], size: tuple[int, int]) -> Box:
    top, right, bottom, left = box
    width, height = size
    return max(0, top), min(width, right), min(height, bottom), max(0, left)


def capture_face(data: bytes, *, field: str = "face", check_quality: bool = True, portrait: bool = True) -> FaceCapture:
    """Decode a photo, demand exactly one face, measure its quality, crop the portrait and encode it."""
    decoded = images.decode_image(data, field=field, allowed=images.FACE_FORMATS)
    rgb = images.to_rgb(ImageOps.exif_transpose(decoded.image))
    boxes = detect_faces(rgb)
    if len(boxes) != 1:
        raise _face_count_error(len(boxes), field)
    box = boxes[0]
    pixels = np.asarray(rgb)
    with DLIB_LOCK:
        encoding = face_recognition.face_encodings(pixels, [box], num_jitters=1, model="small")[0]
    if not (check_quality or portrait):  # the verification path needs only the encoding
        return FaceCapture(encoding, box, QualityReport(), b"", decoded.format)
    with DLIB_LOCK:
        landmarks = face_recognition.face_landmarks(pixels, [box], model="large")[0]
    quality = face_quality(rgb, box, landmarks) if check_quality else QualityReport()
    return FaceCapture(encoding, box, quality, portrait_crop(rgb, landmarks) if portrait else b"", decoded.format)


def _face_count_error(count: int, field: str) -> FaceCountError:
    message = (
        "No se encontró ningún rostro en la imagen." if count == 0
        else f"Se encontraron {count} rostros; la foto debe mostrar a una sola persona."
    )
    return FaceCountError(message, fields={field: f"rostros encontrados: {count}"}, extra={"faces_found": count})


def encode_face(data: bytes, *, field: str = "face") -> np.ndarray:
    """Only the encoding of the single face in a photo (no quality, no portrait)."""
    return capture_face(data, field=field, check_quality=False, portrait=False).encoding


def encode_portrait_crop(rgb: Image.Image) -> np.ndarray:
    """Encode-only path for a small portrait already cropped to the DG2 geometry: no detection.

    The portrait puts the eyes at 45% of the height with a quarter of the width between them,
    so the face box is known; this skips HOG, the slowest step.
    """
    width, height = rgb.size
    eye_gap = width / 4
    eye_y = 0.45 * height
    box = (round(eye_y - 0.9 * eye_gap), round(width / 2 + 1.1 * eye_gap),
           round(eye_y + 1.5 * eye_gap), round(width / 2 - 1.1 * eye_gap))
    with DLIB_LOCK:
        return face_recognition.face_encodings(np.asarray(rgb), [_clip_box(box, rgb.size)], model="small")[0]


def _eye_centres(landmarks: dict) -> tuple[np.ndarray, np.ndarray]:
    # face_recognition names the eyes from the subject's side; "left_eye" is on the image's left.
    left = np.mean(np.asarray(landmarks["left_eye"], dtype=float), axis=0)
    right = np.mean(np.asarray(landmarks["right_eye"], dtype=float), axis=0)
    return left, right


def face_quality(rgb: Image.Image, box: Box, landmarks: dict) -> QualityReport:
    """ICAO-style checks, each with its value and limit."""
    top, right, bottom, left = box
    left_eye, right_eye = _eye_centres(landmarks)
    eye_distance = float(np.linalg.norm(right_eye - left_eye))
    roll = abs(math.degrees(math.atan2(right_eye[1] - left_eye[1], right_eye[0] - left_eye[0])))
    centre_offset = abs((left + right) / 2 - rgb.width / 2) / rgb.width
    gray = rgb.convert("L")
    face = gray.crop((left, top, right, bottom))
    return QualityReport((
        at_least("face_size", "Tamaño del rostro (px entre ojos)", eye_distance, MIN_EYE_DISTANCE_PX),
        at_most("face_centred", "Centrado del rostro (desvío / ancho)", centre_offset, MAX_CENTRE_OFFSET, blocking=False),
        at_most("eyes_level", "Ojos a nivel (grados)", roll, MAX_ROLL_DEGREES, blocking=False),
        at_least("sharpness", "Nitidez (varianza del laplaciano)", _sharpness(face), MIN_SHARPNESS),
        between("exposure", "Exposición (brillo medio del rostro)", float(np.mean(np.asarray(face))), *EXPOSURE_RANGE),
        at_most("background", "Fondo uniforme (desviación)", _background_spread(gray, box), MAX_BACKGROUND_STDDEV,
                blocking=False),
    ))


def _sharpness(face: Image.Image) -> float:
    # Normalise the size first, so the measure does not grow with resolution.
    width = 128
    resized = face.resize((width, max(1, round(face.height * width / max(1, face.width)))), Image.BILINEAR)
    laplacian = resized.filter(ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1, offset=128))
    return float(np.var(np.asarray(laplacian, dtype=float)))


def _background_spread(gray: Image.Image, box: Box) -> float:
    """Grey-level spread in the bands left and right of the head, above the shoulders."""
    top, right, bottom, left = box
    width = right - left
    band_top, band_bottom = max(0, top - width // 2), bottom
    strips = [
        gray.crop((max(0, left - width // 2), band_top, max(1, left - width // 8), band_bottom)),
        gray.crop((min(gray.width - 1, right + width // 8), band_top, min(gray.width, right + width // 2), band_bottom)),
    ]
    values = np.concatenate([np.asarray(s, dtype=float).ravel() for s in strips if s.width > 0 and s.height > 0])
    return float(np.std(values)) if values.size else 0.0


def portrait_crop(rgb: Image.Image, landmarks: dict) -> bytes:
    """A 3:4 ICAO-geometry portrait (eyes level at 45% height, a quarter width apart) as JPEG."""
    left_eye, right_eye = _eye_centres(landmarks)
    centre = (left_eye + right_eye) / 2
    angle = math.degrees(math.atan2(right_eye[1] - left_eye[1], right_eye[0] - left_eye[0]))
    # Level the eyes by rotating about their midpoint; the fill is white like an ICAO background.
    levelled = rgb.rotate(angle, resample=Image.BICUBIC, center=tuple(centre), fillcolor=(255, 255, 255))
    eye_gap = float(np.linalg.norm(right_eye - left_eye))
    crop_width = 4 * eye_gap
    crop_height = crop_width * PORTRAIT_SIZE[1] / PORTRAIT_SIZE[0]
    x0, y0 = centre[0] - crop_width / 2, centre[1] - 0.45 * crop_height
    portrait = _crop_padded(levelled, (x0, y0, x0 + crop_width, y0 + crop_height))
    return images.encode_jpeg(portrait.resize(PORTRAIT_SIZE, Image.LANCZOS), quality=88)


def _crop_padded(image: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    x0, y0, x1, y1 = (round(v) for v in box)
    canvas = Image.new("RGB", (x1 - x0, y1 - y0), (255, 255, 255))
    canvas.paste(image.crop((max(0, x0), max(0, y0), min(image.width, x1), min(image.height, y1))),
                 (max(0, -x0), max(0, -y0)))
    return canvas
