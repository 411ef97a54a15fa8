"""/verificar/: anyone checks a document by its code (typed, or the QR's address) or by its PDF file.

Every look-up counts against the client's address (cuentas.throttling), so codes cannot be swept.
The page shows the status and the kind's key facts only, never the PDF or other personal data.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cuentas.throttling import Throttled, ThrottleUnavailable, request_throttle
from cuentas.web import application_error_page

from . import selectors
from .forms import CodeForm, UploadForm
from .hooks import seal_page_url
from .services import MAX_PDF_BYTES

THROTTLE_SCOPE = "documentos_verify_ip"


def _render(request: HttpRequest, context: dict, *, status: int = 200, retry_after=None) -> HttpResponse:
    context.setdefault("form", CodeForm())
    context.setdefault("upload_form", UploadForm())
    context["seal_page"] = seal_page_url()
    response = render(request, "documentos/verify.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _throttled(request: HttpRequest, form) -> HttpResponse | None:
    try:
        request_throttle(request, address_scope=THROTTLE_SCOPE)
    except (Throttled, ThrottleUnavailable) as exc:
        return application_error_page(request, exc, back_url=reverse("documentos:verify"))
    return None


def _lookup(request: HttpRequest, form: CodeForm, *, via: str) -> HttpResponse:
    refused = _throttled(request, form)
    if refused is not None:
        return refused
    view = selectors.document_verify(form.cleaned_data["codigo"], actor=request.user, via=via)
    return _render(request, {"form": form, "result": view.status if view else "UNKNOWN", "view": view},
                   status=200 if view else 404)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The form; ?codigo=... (or a POST of it) looks a code up."""
    data = request.POST if request.method == "POST" else (request.GET if "codigo" in request.GET else None)
    form = CodeForm(data)
    if data is not None and form.is_valid():
        return _lookup(request, form, via="code")
    return _render(request, {"form": form}, status=400 if data is not None else 200)


@require_http_methods(["GET"])
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The QR's address: a phone camera opens /verificar/<code> and sees the answer at once."""
    form = CodeForm({"codigo": code})
    if not form.is_valid():
        return _render(request, {"form": form, "result": "UNKNOWN"}, status=404)
    return _lookup(request, form, via="qr")


@require_http_methods(["POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """An uploaded PDF is valid only when it is, byte for byte, a document we issued and its
    PAdES signature validates: one byte changed and it is not valid."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, {"upload_form": form}, status=400)
    upload = form.cleaned_data["archivo"]
    if upload.size > MAX_PDF_BYTES:
        form.add_error("archivo", _("El archivo es demasiado grande para ser un documento de MIGRACIONES."))
        return _render(request, {"upload_form": form}, status=413)
    refused = _throttled(request, form)
    if refused is not None:
        return refused
    _check, view = selectors.document_verify_upload(upload.read(), actor=request.user)
    if view is None:
        return _render(request, {"upload_form": form, "result": "NOT_VALID"})
    return _render(request, {"upload_form": form, "result": view.status, "view": view, "by_file": True})
