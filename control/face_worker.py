"""Face encoding on decoded pixels, importing only dlib/face_recognition and numpy (no Django), so it can run in a worker process."""
from __future__ import annotations

import face_recognition
import numpy as np
from PIL import Image

# A gate's live crop and a chip portrait show one large face: HOG finds it on a small copy without
# upsampling. First at most 240 px a side (a chip portrait's face is then 90-130 px wide, above
# HOG's 80 px window; half the cost of 320 px), then 320 px, then upsampled once.
DETECT_SIDES = (240, 320)

Box = tuple[int, int, int, int]  # top, right, bottom, left


def encode(pixels: np.ndarray) -> tuple[int, np.ndarray | None]:
    """(faces found, encoding of the single face or None) of an RGB uint8 array.

    Detection runs on a small copy without upsampling, and falls back to upsampling once when that
    finds no face (a small face in a wide shot); the encoding uses the full-resolution pixels.
    A face box derived from the ICAO portrait geometry was tried instead of HOG on chip photos: it
    saved 8 ms of 85 and dlib's landmarks land "on the eyes" even on a blank region, so a photo
    without a face there could not be told apart.
    """
    boxes: list[Box] = []
    for side in DETECT_SIDES:
        boxes = detect(pixels, upsample=0, max_side=side)
        if boxes or max(pixels.shape[:2]) <= side:
            break
    boxes = boxes or detect(pixels, upsample=1, max_side=DETECT_SIDES[-1])
    if len(boxes) != 1:
        return len(boxes), None
    return 1, face_recognition.face_encodings(pixels, boxes, num_jitters=1, model="small")[0]


def detect(pixels: np.ndarray, *, upsample: int, max_side: int = DETECT_SIDES[-1]) -> list[Box]:
    """HOG face boxes, found on a copy at most `max_side` pixels a side, in full-size coordinates."""
    height, width = pixels.shape[:2]
    scale = min(1.0, max_side / max(width, height))
    small = pixels
    if scale < 1.0:
        small = np.asarray(Image.fromarray(pixels).resize((round(width * scale), round(height * scale)),
                                                          Image.BILINEAR))
    found = face_recognition.face_locations(small, number_of_times_to_upsample=upsample, model="hog")
    return [(max(0, round(t / scale)), min(width, round(r / scale)), min(height, round(b / scale)),
             max(0, round(l / scale))) for t, r, b, l in found]
