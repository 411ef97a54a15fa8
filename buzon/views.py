"""Pages of the mailbox: accept the casilla, read notices (unread first), download cargo and attachment,
revoke with confirmation, and the acknowledgement link for people notified by e-mail."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError, NotFound
from cuentas.roles import CITIZEN, FOREIGNER
from cuentas.web import role_required, show_error
from documentos.rendering import pdf_attachment as _pdf
from documentos.selectors import document_pdf

from . import selectors, services
from .forms import AcceptForm, RevokeForm

PURPOSE = "notificación electrónica"


@role_required(CITIZEN, FOREIGNER)
def home(request: HttpRequest) -> HttpResponse:
    casilla = selectors.casilla_active(request.user)
    notices = selectors.notices_of(request.user, actor=request.user)
    rows = [(n, selectors.notice_dates(n)) for n in notices]
    return render(request, "buzon/home.html", {"casilla": casilla, "rows": rows,
                                               "revoked": selectors.casilla_of(request.user)})


@role_required(CITIZEN, FOREIGNER)
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    if selectors.casilla_active(request.user) is not None:
        return redirect("buzon:home")
    initial = {"email": request.user.email, "phone": request.user.phone}
    form = AcceptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.casilla_accept(user=request.user, actor=request.user, language=get_language() or "es",
                                    **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Su casilla electrónica está activa. Las notificaciones de MIGRACIONES "
                                        "llegarán aquí y le avisaremos por correo."))
            return redirect("buzon:home")
    return render(request, "buzon/accept.html", {"form": form, "days": selectors.deemed_after_days()},
                  status=400 if request.method == "POST" else 200)


@role_required(CITIZEN, FOREIGNER)
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest) -> HttpResponse:
    if selectors.casilla_active(request.user) is None:
        return redirect("buzon:home")
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.casilla_revoke(user=request.user, reason=form.cleaned_data["reason"], actor=request.user)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Revocó su casilla electrónica. Las próximas notificaciones le llegarán "
                                        "por correo y deberá confirmar su recepción."))
            return redirect("buzon:home")
    return render(request, "buzon/revoke.html", {"form": form}, status=400 if request.method == "POST" else 200)


@role_required(CITIZEN, FOREIGNER)
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        opened = services.notice_open(user=request.user, notice_id=notice_id, actor=request.user)
    except NotFound:
        raise Http404(_("La notificación no existe.")) from None
    return render(request, "buzon/notice.html", {"notice": opened, "dates": selectors.notice_dates(opened),
                                                 "english": (get_language() or "").startswith("en")})


@role_required(CITIZEN, FOREIGNER)
def cargo(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        document = services.notice_cargo(user=request.user, notice_id=notice_id, actor=request.user)
        data = document_pdf(document, actor=request.user, purpose=PURPOSE)
    except NotFound:
        raise Http404(_("La notificación no existe.")) from None
    return _pdf(data, f"cargo-notificacion-{notice_id}.pdf")


@role_required(CITIZEN, FOREIGNER)
def attachment(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        owned = selectors.notice_owned(request.user, notice_id)
    except NotFound:
        raise Http404(_("La notificación no existe.")) from None
    if owned.attachment is None:
        raise Http404(_("Esta notificación no tiene documento adjunto."))
    # Downloading the act is reading the notice: it records the read time as opening it would.
    services.notice_open(user=request.user, notice_id=notice_id, actor=request.user)
    return _pdf(document_pdf(owned.attachment, actor=request.user, purpose=PURPOSE), f"notificacion-{notice_id}.pdf")


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: GET asks to confirm (mail scanners follow links), POST records the receipt."""
    read = selectors.ack_token_read(token)
    if read is None:
        return render(request, "buzon/acknowledge.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            done = services.notice_acknowledge(token=token, actor=request.user if request.user.is_authenticated
                                               else "buzon:acknowledgement-link")
        except ApplicationError as exc:
            return render(request, "buzon/acknowledge.html", {"error": exc.message}, status=exc.status)
        return render(request, "buzon/acknowledge.html", {"done": done, "dates": selectors.notice_dates(done)})
    return render(request, "buzon/acknowledge.html", {"token": token})
