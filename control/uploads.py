"""Size limits on uploads, enforced before the body is read: by Content-Length, then while streaming."""
from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext as _, gettext_lazy

from biometria.engine.images import FACE_FORMATS, decode_image
from core.errors import ApplicationError, PayloadTooLarge
from mrtd.errors import MRTDError
from mrtd.lds import decode_dg2

# A chip data group (DG2 with its face image is the largest) is well under this.
MAX_DG_BYTES = 1024 * 1024
CHIP_PHOTO_NOT_AN_IMAGE = gettext_lazy(
    "Este archivo no es la foto del chip. Lea el chip de su pasaporte con la app y suba el archivo de la foto "
    "(DG2) que la app guardó.")
# Room for the text fields and the multipart or JSON framing around the files.
FORM_OVERHEAD_BYTES = 64 * 1024


def too_large(field: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(_("El campo supera el tamaño permitido."),
                           fields={field: _("máximo %(limit)s bytes") % {"limit": limit}})


def check_content_length(request: HttpRequest, *, limit: int, field: str, field_limit: int) -> None:
    """413 naming `field` (the only large one) and its own limit when the declared body is over
    `limit` (the field's limit plus the rest of the form), before reading it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large(field, field_limit)


class FieldSizeLimitHandler(FileUploadHandler):
    """Stops a multipart upload as soon as one file field passes its limit, and remembers which.

    Files of fields without a limit are refused the same way (limit 0): a form accepts only the
    files it asks for. Put first in `request.upload_handlers`, before the body is parsed.
    """

    def __init__(self, request: HttpRequest, limits: dict[str, int]) -> None:
        super().__init__(request)
        self.limits = limits
        self.received = 0
        self.over: str | None = None

    def new_file(self, field_name, *args, **kwargs) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limits.get(self.field_name, 0):
            self.over = self.field_name
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler (memory or temporary file) keeps the file

    def error(self) -> PayloadTooLarge | None:
        if self.over is None:
            return None
        return too_large(self.over, self.limits.get(self.over, 0))


def dg2_has_face_image(data: bytes) -> bool:
    """True when `data` is a DG2 whose first face is an image that decodes (JPEG, JPEG 2000, PNG):
    what a traveller uploads as the chip photo must be one, not any file."""
    try:
        faces = decode_dg2(data)
    except (MRTDError, ValueError):
        return False
    if not faces:
        return False
    try:
        decode_image(faces[0].image_bytes, field="dg2", allowed=FACE_FORMATS, max_bytes=MAX_DG_BYTES)
    except ApplicationError:
        return False
    return True
