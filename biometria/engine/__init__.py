"""Biometric engine in plain Python (no Django models): images, face, fingerprint, matching, gallery."""
from .errors import FaceCountError, FingerprintUnusable, ImageCorrupt, ImageTooLarge, ImageUnsupported, TemplateCorrupt
from .face import FaceCapture, capture_face, detect_faces, encode_face, encode_portrait_crop
from .finger import FingerCapture, FingerPosition, MissingFinger, MissingReason, capture_finger, parse_position
from .gallery import Candidate, Gallery
from .images import decode_image, find_embedded_image
from .matching import FACE_THRESHOLD, FINGER_THRESHOLD, MatchDecision, compare_faces, compare_fingers, face_distance
from .quality import QualityCheck, QualityReport
from .signature import capture_signature

__all__ = [
    "Candidate", "FACE_THRESHOLD", "FINGER_THRESHOLD", "FaceCapture", "FaceCountError", "FingerCapture",
    "FingerPosition", "FingerprintUnusable", "Gallery", "ImageCorrupt", "ImageTooLarge", "ImageUnsupported",
    "MatchDecision", "MissingFinger", "MissingReason", "QualityCheck", "QualityReport", "TemplateCorrupt",
    "capture_face", "capture_finger", "capture_signature", "compare_faces", "compare_fingers", "decode_image", "detect_faces",
    "encode_face", "encode_portrait_crop", "face_distance", "find_embedded_image", "parse_position",
]
