"""Typed errors of the biometric engine, in the project's ApplicationError family (plain Python)."""
from core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed


class ImageUnsupported(UnsupportedMediaType):
    """415: the bytes are not an image of a kind the service accepts."""

    code = "image_unsupported"


class ImageCorrupt(ValidationFailed):
    """400: the bytes claim an image format but cannot be decoded."""

    code = "image_corrupt"


class ImageTooLarge(PayloadTooLarge):
    """413: the file or its pixel count exceeds the limit."""

    code = "image_too_large"


class FaceCountError(ValidationFailed):
    """400: a capture needs exactly one face; `extra["faces_found"]` says how many were seen."""

    code = "face_count"


class FingerprintUnusable(ValidationFailed):
    """400: a fingerprint image gave too few minutiae to make a template."""

    code = "fingerprint_unusable"


class TemplateCorrupt(ValidationFailed):
    """400: a stored or submitted template cannot be decoded."""

    code = "template_corrupt"
