"""TAM pages: the traveller downloads their TAM (PDF with its seal); anyone verifies a TAM or a seal."""
from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from auditoria.services import audit_record
from control.trust import portal_pki
from cuentas.throttling import Throttled, ThrottleUnavailable, request_throttle
from cuentas.web import application_error_page
from documentos.selectors import document_pdf

from . import selectors
from .audit_actions import AuditAction
from .documents import tam_context
from .forms import DownloadForm, VerifyForm
from .services import tam_document

DOWNLOAD_SALT = "tam.download"
DOWNLOAD_MAX_AGE_S = 3600
DOWNLOAD_PURPOSE = "el titular descarga su TAM"


def download(request: HttpRequest) -> HttpResponse:
    """The traveller proves who they are with three facts; each TAM gets a link valid for an hour.

    Each search counts against the client's address and against the document looked up, so the
    birth date behind a document cannot be guessed from many addresses or many dates.
    """
    form = DownloadForm(request.POST or None)
    tams = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = f"{data['nationality'].strip()}:{data['document_number'].strip()}".upper()
        try:
            request_throttle(request, address_scope="tam_download_ip", keyed={"tam_download_document": document})
        except (Throttled, ThrottleUnavailable) as exc:
            return application_error_page(request, exc, back_url=request.path)
        tams = [
            (tam, signing.dumps(tam.number, salt=DOWNLOAD_SALT))
            for tam in selectors.tams_of_holder(**form.cleaned_data)[:50]
        ]
    return render(request, "tam/download.html", {"form": form, "tams": tams})


def _audit_download(request: HttpRequest, tam, *, via: str) -> None:
    audit_record(actor=request.user, action=AuditAction.DOWNLOAD, kind="read", obj=tam,
                 person_id=tam.crossing.person_id, purpose=DOWNLOAD_PURPOSE, details={"via": via})


def _tam_from_token(token: str):
    try:
        number = signing.loads(token, salt=DOWNLOAD_SALT, max_age=DOWNLOAD_MAX_AGE_S)
    except signing.BadSignature:
        raise Http404(_("El enlace venció o no es válido: vuelva a buscar su TAM."))
    tam = selectors.tam_by_number(number)
    if tam is None:
        raise Http404(_("No existe esa TAM."))
    return tam


@require_GET
def pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The signed PDF as issued on the documents rail (a TAM from before the rail gets it now)."""
    tam = _tam_from_token(token)
    document = tam_document(tam_id=tam.pk, actor="sistema:tam")
    response = HttpResponse(document_pdf(document, actor=request.user, purpose=DOWNLOAD_PURPOSE),
                            content_type="application/pdf")
    _audit_download(request, tam, via="pdf")
    response["Content-Disposition"] = f'attachment; filename="{tam.number}.pdf"'
    return response


@require_GET
def document(request: HttpRequest, token: str) -> HttpResponse:
    tam = _tam_from_token(token)
    issued = tam_document(tam_id=tam.pk, actor="sistema:tam")
    response = render(request, "tam/tam_document.html", tam_context(tam, code=issued.code))
    _audit_download(request, tam, via="page")
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a TAM: by its number (against the record) or by the seal text (offline check)."""
    form = VerifyForm(request.POST or request.GET or None)
    context: dict = {"form": form}
    if form.is_bound and form.is_valid():
        try:
            request_throttle(request, address_scope="tam_verify_ip")
        except (Throttled, ThrottleUnavailable) as exc:
            return application_error_page(request, exc, back_url=request.path)
        if form.cleaned_data.get("seal"):
            context["check"] = selectors.seal_check(form.cleaned_data["seal"])
        else:
            tam = selectors.tam_by_number(form.cleaned_data["numero"])
            context["looked_up"] = True
            context["check"] = selectors.seal_check(tam.seal) if tam else None
    return render(request, "tam/verify.html", context)


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The CSCA certificate with which anyone verifies a TAM's seal offline."""
    pem = x509.load_der_x509_certificate(portal_pki().csca_cert_der).public_bytes(serialization.Encoding.PEM)
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="migraciones-csca.pem"'
    return response
