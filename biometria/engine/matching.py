"""1:1 comparison: face distance and fingerprint MCC similarity as score, threshold and decision."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .finger import load_template

# Chosen by `biometria_calibrate` on the test images and their variations (docs/BIOMETRICS.md):
# the strictest threshold with no false match and at most 1 % false non-matches.
# Face score = 1 - Euclidean distance of 128-d encodings; 0.45 is a distance of 0.55, stricter
# than face_recognition's usual 0.6 because a false match here issues a passport.
FACE_THRESHOLD = 0.45
# MCC similarity (0-1): genuine pairs scored 0.17 and up, other fingers 0.018 at most.
FINGER_THRESHOLD = 0.15


@dataclass(frozen=True)
class MatchDecision:
    modality: str
    score: float
    threshold: float
    decision: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def face_score_from_distance(distance: float) -> float:
    return round(max(0.0, min(1.0, 1.0 - distance)), 4)


def compare_faces(a: np.ndarray, b: np.ndarray, *, threshold: float = FACE_THRESHOLD) -> MatchDecision:
    score = face_score_from_distance(face_distance(a, b))
    return MatchDecision("face", score, threshold, score >= threshold)


def finger_score(template_a: bytes, template_b: bytes) -> float:
    """MCC similarity of two ISO/IEC 19794-2 templates, in [0, 1]."""
    from .finger import _extractor

    a, b = load_template(template_a, field="template_a"), load_template(template_b, field="template_b")
    return round(float(_extractor().match(a, b, method="mcc").score), 4)


def compare_fingers(template_a: bytes, template_b: bytes, *, threshold: float = FINGER_THRESHOLD) -> MatchDecision:
    score = finger_score(template_a, template_b)
    return MatchDecision("finger", score, threshold, score >= threshold)
