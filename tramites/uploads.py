"""The one gate every file of a procedure passes through: checked from its bytes, stored by its hash.

`upload_check` reads the type from the first bytes (never the name or the declared content type),
refuses what is too large before parsing it, opens PDFs with qpdf (pikepdf) and images with the
project's safe decoder, and answers with the ApplicationError family: 415 for a type the procedure
does not take, 413 for a file over its limit, 400 for an empty, encrypted, damaged or unsafe file.
Every message names the file as the applicant called it and says what to do, in plain words.

`upload_store` keeps the bytes content-addressed under MEDIA_ROOT/tramites/<sha[:2]>/<sha> (written
to a temporary file beside it and renamed, so a reader never sees half a file); `upload_open`
reads them back and refuses a file whose bytes no longer match its name.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import pikepdf
from django.conf import settings
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext as _, ngettext

from biometria.engine.images import decode_image, sniff_format
from control.uploads import FORM_OVERHEAD_BYTES, FieldSizeLimitHandler, check_content_length
from core.errors import ApplicationError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 3 * 1024 * 1024  # TRAMITES.md: "PDFs (3 MB each at most)"
MAX_NAME_CHARS = 120
KINDS = ("pdf", "jpeg", "png")
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
# How the applicant knows each type (the extension they see), in the order they are listed.
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG"}
_IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png"}  # sniff_format's names for the images we take
# The PDF walk visits each dictionary and array once (about 0.4 s per 100,000 on one core): a scanned
# document has a few hundred, 3,000 pages of text about 36,000. More is no document an officer reads,
# and would let a small file cost seconds of checking. The structure tree of a tagged PDF (one
# dictionary per paragraph, for screen readers) is not walked: nothing in it runs.
MAX_PDF_NODES = 200_000
# What makes a PDF more than a document: keys that carry scripts or files (/JavaScript is the names
# tree of scripts), and actions that run code or open programs, and the types of attached files.
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF"})
_PDF_ACTIVE_VALUES = (("/S", frozenset({"/JavaScript", "/Launch"})), ("/Type", frozenset({"/EmbeddedFile"})),
                      ("/Subtype", frozenset({"/FileAttachment"})))
# What qpdf mends in a file every reader opens (a page without its own resources or size, a wrong
# /Type): not damage. Any other warning means it skipped or guessed part of the file.
_HARMLESS_REPAIRS = re.compile(
    r"(Resources is missing or invalid; repairing|MediaBox is undefined; setting to letter / ANSI A"
    r"|/Type key should be /Pages? but is not; overriding|setting missing or invalid /Type entry to /Catalog"
    r"|invalid /ID in trailer dictionary)$")
_STORE_DIR = "tramites"
_STORED_PATH = re.compile(r"tramites/([0-9a-f]{2})/([0-9a-f]{64})")


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the gate: what it is (from its bytes), its hash, and the bytes."""

    field: str
    name: str  # the applicant's file name, cleaned: shown back to them, never used as a path
    kind: str  # "pdf" | "jpeg" | "png"
    content_type: str
    size: int
    sha256: str  # hex
    pages: int | None  # PDFs only
    data: bytes


class StoredUploadAltered(ApplicationError):
    """500: a stored file is missing or its bytes no longer match its hash (a fault of the server)."""

    status, code = 500, "stored_file_altered"


def upload_check(*, field: str, name: str, data: bytes, accept: tuple[str, ...] = KINDS,
                 max_bytes: int = MAX_UPLOAD_BYTES, max_pages: int | None = None) -> CheckedUpload:
    """Check one uploaded file for the form field `field`; raise 415, 413 or 400 naming the file."""
    if not set(accept) <= set(KINDS):
        raise ValueError(f"accept must be among {KINDS}")
    name = clean_file_name(name)
    if not data:
        raise _refused(ValidationFailed, field, _(
            "El archivo «%(name)s» está vacío. Elija otra vez el archivo y súbalo de nuevo.") % {"name": name})
    if len(data) > max_bytes:
        raise too_large(field=field, name=name, max_bytes=max_bytes)
    kind = sniff_kind(data)
    if kind is None or kind not in accept:
        raise _refused(UnsupportedMediaType, field, _(
            "El archivo «%(name)s» no es de un tipo admitido. Suba un archivo %(types)s.")
            % {"name": name, "types": kinds_in_words(accept)})
    if kind == "pdf":
        pages = _pdf_check(data, field=field, name=name, max_pages=max_pages)
    else:
        _image_check(data, field=field, name=name, kind=kind, max_bytes=max_bytes)
        pages = None
    return CheckedUpload(field=field, name=name, kind=kind, content_type=CONTENT_TYPES[kind], size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), pages=pages, data=data)


def sniff_kind(data: bytes) -> str | None:
    """"pdf", "jpeg" or "png" from the first bytes, or None for anything else (ZIP, HTML, SVG, programs)."""
    # Strictly at the start: a reader that searches further (browsers look in the first 1 KB) would
    # let an HTML page or a ZIP carrying "%PDF-" somewhere inside pass as a PDF.
    if data.startswith(b"%PDF-"):
        return "pdf"
    return _IMAGE_FORMATS.get(sniff_format(data) or "")


def clean_file_name(name: str) -> str:
    """The client's file name as it may be shown and stored: its last part only (also after a
    Windows path, as old browsers send), without control or direction-changing characters, at
    most MAX_NAME_CHARS characters keeping the extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    name = PureWindowsPath(PurePosixPath(name).name).name.strip()
    if not name.strip("."):
        return "archivo"
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            name = stem[:MAX_NAME_CHARS - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME_CHARS].rstrip()
    return name


def kinds_in_words(kinds: tuple[str, ...]) -> str:
    """"PDF, JPG o PNG": the accepted types as the applicant knows them."""
    labels = [KIND_LABELS[k] for k in KINDS if k in kinds]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s o %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def megabytes_in_words(max_bytes: int) -> str:
    """"3 MB", "1,5 MB" (or "200 KB" under a tenth of a MB): a limit as people read it, never in bytes."""
    mb = round(max_bytes / (1024 * 1024), 1)
    if mb == 0:
        return f"{max(1, max_bytes // 1024)} KB"
    shown = str(int(mb)) if mb == int(mb) else number_format(mb, decimal_pos=1)
    return f"{shown} MB"


def too_large(*, field: str, name: str | None, max_bytes: int) -> PayloadTooLarge:
    """413 for one file over its limit, the limit in MB."""
    limit = megabytes_in_words(max_bytes)
    if name is None:
        message = _("El archivo pesa más de %(limit)s, el máximo permitido. Redúzcalo (por ejemplo, "
                    "escanéelo a menor resolución o en blanco y negro) y súbalo de nuevo.") % {"limit": limit}
    else:
        message = _("El archivo «%(name)s» pesa más de %(limit)s, el máximo permitido. Redúzcalo (por ejemplo, "
                    "escanéelo a menor resolución o en blanco y negro) y súbalo de nuevo.") % {
            "name": name, "limit": limit}
    return _refused(PayloadTooLarge, field, message)


def _refused(cls: type[ApplicationError], field: str, message: str) -> ApplicationError:
    return cls(message, fields={field: message})


def _damaged(field: str, name: str) -> ValidationFailed:
    return _refused(ValidationFailed, field, _(
        "El archivo «%(name)s» está dañado o incompleto y no se puede abrir. Ábralo en su equipo para "
        "comprobarlo, guárdelo de nuevo como PDF y súbalo otra vez.") % {"name": name})


def _pdf_check(data: bytes, *, field: str, name: str, max_pages: int | None) -> int:
    """The page count of a PDF that opens cleanly, is not encrypted and carries no code or files."""
    try:
        # No recovery: a file qpdf would have to rebuild (a cut download, a broken cross-reference
        # table) is refused, so what is stored is what the officer's reader opens without guessing.
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
            encrypted = pdf.is_encrypted  # with an empty opening password qpdf opens it all the same
            pages = len(pdf.pages)
            active = _pdf_active_content(pdf)
            repaired = any(not _HARMLESS_REPAIRS.search(warning) for warning in pdf.get_warnings())
    except pikepdf.PasswordError:
        raise _encrypted(field, name) from None
    except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, KeyError, IndexError, OverflowError,
            RecursionError, AttributeError, NotImplementedError):
        # qpdf raises PdfError for what it cannot parse; pikepdf's object model may raise the rest on
        # objects of the wrong type where a well-formed file has a dictionary.
        raise _damaged(field, name) from None
    if encrypted:
        raise _encrypted(field, name)
    if pages == 0 or repaired:
        raise _damaged(field, name)
    if active == "too_complex":
        raise _refused(ValidationFailed, field, _(
            "El archivo «%(name)s» es demasiado complejo para revisarlo. Imprímalo como PDF o escanéelo y "
            "súbalo de nuevo.") % {"name": name})
    if active:
        raise _refused(ValidationFailed, field, _(
            "El archivo «%(name)s» contiene programas o archivos adjuntos, que no se admiten. Imprímalo como "
            "PDF o escanéelo y súbalo de nuevo.") % {"name": name})
    if max_pages is not None and pages > max_pages:
        allowed = ngettext("como máximo %(max)s página", "como máximo %(max)s páginas", max_pages) % {
            "max": max_pages}
        raise _refused(ValidationFailed, field, ngettext(
            "El archivo «%(name)s» tiene %(pages)s página; este documento admite %(allowed)s. Suba solo "
            "las páginas que se piden.",
            "El archivo «%(name)s» tiene %(pages)s páginas; este documento admite %(allowed)s. Suba solo "
            "las páginas que se piden.", pages) % {"name": name, "pages": pages, "allowed": allowed})
    return pages


def _encrypted(field: str, name: str) -> ValidationFailed:
    return _refused(ValidationFailed, field, _(
        "El archivo «%(name)s» está protegido con contraseña o cifrado. Guárdelo sin protección (o "
        "imprímalo como PDF) y súbalo de nuevo.") % {"name": name})


def _pdf_active_content(pdf: pikepdf.Pdf) -> str:
    """"" for a plain document; "active" when a dictionary runs JavaScript, launches a program or
    carries an embedded file; "too_complex" past MAX_PDF_NODES. Streams are not decoded (that is
    where a small file could expand without bound): only the object graph is walked, once."""
    seen: set[tuple[int, int]] = set()
    todo: list[object] = [pdf.trailer]
    visited = 0
    while todo:
        obj = todo.pop()
        visited += 1
        if visited > MAX_PDF_NODES:
            return "too_complex"
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            keys = set(obj.keys())  # one call into qpdf per dictionary: the walk's cost is these calls
            if keys & _PDF_ACTIVE_KEYS or any(_name(obj, key) in wanted for key, wanted in _PDF_ACTIVE_VALUES
                                              if key in keys):
                return "active"
            if "/StructTreeRoot" in keys:
                todo.extend(value for key, value in obj.items() if key != "/StructTreeRoot")
            elif keys:
                todo.extend(obj.values())
        elif isinstance(obj, pikepdf.Array):
            todo.extend(obj)
    return ""


def _name(obj: pikepdf.Object, key: str) -> str:
    """The value of `key` when it is a name ("" for anything else: no action or type is meant)."""
    value = obj.get(key)
    return str(value) if isinstance(value, pikepdf.Name) else ""


def _image_check(data: bytes, *, field: str, name: str, kind: str, max_bytes: int) -> None:
    """A JPEG or PNG that decodes whole, within decode_image's pixel limit (no decompression bomb)."""
    try:
        decoded = decode_image(data, field=field, allowed=frozenset({kind.upper()}), max_bytes=max_bytes)
    except PayloadTooLarge:
        # The bytes are within the limit (checked above): it is the pixel count, a photo far larger
        # than a document needs or a small file claiming huge dimensions.
        raise _refused(ValidationFailed, field, _(
            "La imagen «%(name)s» tiene demasiada resolución. Tómela o escanéela de nuevo a menor "
            "resolución y súbala otra vez.") % {"name": name}) from None
    except ApplicationError:
        raise _refused(ValidationFailed, field, _(
            "La imagen «%(name)s» está dañada o incompleta y no se puede abrir. Tómela o escanéela de nuevo "
            "y súbala otra vez.") % {"name": name}) from None
    decoded.image.close()


def upload_store(checked: CheckedUpload) -> str:
    """Keep the bytes under MEDIA_ROOT/tramites/<sha[:2]>/<sha> (directories 0700, file 0600) and
    return that path relative to MEDIA_ROOT. Written to a temporary file in the same directory and
    renamed, so the path holds the whole file or nothing; storing the same bytes again is a no-op."""
    sha = hashlib.sha256(checked.data).hexdigest()
    if sha != checked.sha256:
        raise ValueError("CheckedUpload.sha256 does not match its data")
    relative = f"{_STORE_DIR}/{sha[:2]}/{sha}"
    target = Path(settings.MEDIA_ROOT) / relative
    if _stored_intact(target, sha):
        return relative
    for directory in (target.parent.parent, target.parent):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # mkdir's mode is reduced by the umask, and an older one may exist
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(checked.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)  # atomic on one file system; a concurrent store of the same bytes is harmless
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a crash
    finally:
        os.close(dir_fd)
    return relative


def _stored_intact(target: Path, sha: str) -> bool:
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        return False
    if hashlib.sha256(data).hexdigest() == sha:
        return True
    logger.error("stored upload %s did not match its hash; rewritten with the checked bytes", target.name)
    return False


def upload_open(path: str) -> bytes:
    """The bytes stored at `path` (as upload_store returned it), after checking they still hash to
    its name; StoredUploadAltered (500) when the file is missing or changed."""
    match = _STORED_PATH.fullmatch(path)
    if match is None or match.group(2)[:2] != match.group(1):
        raise ValueError("not a path returned by upload_store")
    sha = match.group(2)
    try:
        data = (Path(settings.MEDIA_ROOT) / path).read_bytes()
    except FileNotFoundError:
        logger.error("stored upload %s is missing", sha)
        raise StoredUploadAltered(_(
            "No encontramos un archivo que se había recibido. Ya avisamos al equipo técnico; "
            "inténtelo más tarde.")) from None
    if hashlib.sha256(data).hexdigest() != sha:
        logger.error("stored upload %s no longer matches its hash", sha)
        raise StoredUploadAltered(_(
            "Un archivo que se había recibido cambió después de guardarse y no se usará. Ya avisamos "
            "al equipo técnico; inténtelo más tarde."))
    return data


def upload_limits_install(request: HttpRequest, *, limits: dict[str, int]) -> FieldSizeLimitHandler:
    """Before anything reads the body (the CSRF check does): a 413 when the declared body is over
    the files' limits plus the form around them, and a handler, put first, that stops a file
    passing its own limit while it streams; ask `upload_limits_error(handler)` after parsing.
    A file in a field not in `limits` is stopped too: a form takes only the files it asks for."""
    largest = max(limits, key=limits.__getitem__)
    try:
        check_content_length(request, limit=sum(limits.values()) + FORM_OVERHEAD_BYTES, field=largest,
                             field_limit=limits[largest])
    except PayloadTooLarge:
        raise too_large(field=largest, name=None, max_bytes=limits[largest]) from None
    handler = FieldSizeLimitHandler(request, limits)
    request.upload_handlers.insert(0, handler)
    return handler


def upload_limits_error(handler: FieldSizeLimitHandler) -> ApplicationError | None:
    """The 413 (or, for a file the form did not ask for, 415) of a file stopped while streaming."""
    if handler.error() is None:
        return None
    field, name = handler.over, clean_file_name(handler.file_name or "")
    limit = handler.limits.get(field, 0)
    if limit == 0:
        return _refused(UnsupportedMediaType, field, _(
            "Este formulario no pide el archivo «%(name)s». Súbalo en el campo que corresponde.") % {"name": name})
    return too_large(field=field, name=name, max_bytes=limit)
