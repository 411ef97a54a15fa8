"""Pages of migratory control: the officer's counter, a crossing with its checks, the referral queue, MigraCheck."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from core.errors import ApplicationError

from . import selectors, services
from .audit_actions import AuditAction
from .checks import ChipData
from .forms import CounterForm, PreRegistrationForm, ReviewForm, chip_photo_too_large_message
from cuentas.kept_files import KeptFiles
from cuentas.throttling import request_throttle, throttle_hit
from cuentas.web import application_error_page, role_required, show_error
from .uploads import FORM_OVERHEAD_BYTES, MAX_DG_BYTES, FieldSizeLimitHandler, check_content_length

STAFF = ("officer", "supervisor")


def _post(request: HttpRequest):
    """The officer's crossing point; staff without one are refused (every action here is scoped to it)."""
    point = selectors.officer_crossing_point(user=request.user)
    if point is None:
        raise DjangoPermissionDenied(_("Su usuario no tiene un puesto de control asignado."))
    return point


@role_required(*STAFF)
def counter(request: HttpRequest) -> HttpResponse:
    """The officer's counter: MRZ typed, from a photo or from the chip; every check shown at once."""
    point = _post(request)
    kept = KeptFiles(request, "control.counter")
    if request.method == "POST" and "mrz_fix" in request.POST:
        return _counter_with_fix(request, point, kept)
    form = CounterForm(request.POST or None, kept.form_files(CounterForm), crossing_point=point)
    if request.method == "POST" and form.is_valid():
        try:
            decision = _decide_at_counter(request, form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            kept.clear()
            return redirect("control:crossing", crossing_id=decision.crossing_id)
    if request.method == "POST":
        kept.keep_form(form)  # the chip files and photos already read are not asked for again
    kept.show(form)
    return render(request, "control/counter.html", {"form": form, "mrz_fix": getattr(form, "mrz_fix", None)})


def _counter_with_fix(request: HttpRequest, point, kept: KeptFiles) -> HttpResponse:
    """The officer took the suggested MRZ: the form again with it in place, for them to check against
    the document and submit. Nothing is decided or recorded here."""
    fields = CounterForm.base_fields
    initial = {name: request.POST.get(name) for name in fields
               if name in request.POST and not isinstance(fields[name], forms.FileField)}
    initial["mrz"] = request.POST["mrz_fix"]
    initial.pop("mrz_as_printed", None)
    form = kept.show(CounterForm(initial=initial, crossing_point=point))
    messages.info(request, _("Se puso la MRZ corregida en el formulario. Revísela con el documento a la vista y pulse "
                             "«Verificar y registrar»: aún no se registró nada."))
    return render(request, "control/counter.html", {"form": form})


def _decide_at_counter(request: HttpRequest, data: dict) -> services.Decision:
    lines = data["mrz_lines"]
    chip = None
    if data.get("dg1") and data.get("sod"):
        chip = ChipData(dg1=data["dg1"].read(), dg2=data["dg2"].read() if data.get("dg2") else None,
                        sod=data["sod"].read())
    boarding = services.Boarding(flight=data.get("flight", ""), origin=data.get("origin", ""),
                                 destination=data.get("destination", ""), purpose=data.get("purpose", ""))
    return services.crossing_decide(
        channel="COUNTER", direction=data["direction"], crossing_point=data["crossing_point"], mrz_lines=lines,
        chip=chip, live_face=data["live_face"].read() if data.get("live_face") else None, boarding=boarding,
        actor=request.user,
    )


@role_required(*STAFF)
def crossing_detail(request: HttpRequest, crossing_id: int) -> HttpResponse:
    return _crossing_page(request, crossing_id, ReviewForm())


def _crossing_page(request: HttpRequest, crossing_id: int, review_form: ReviewForm) -> HttpResponse:
    crossing = selectors.crossing_get(crossing_id=crossing_id, crossing_point=_post(request))
    if crossing is None:
        raise Http404(_("No existe ese control."))
    services.crossing_reads_record(actor=request.user, crossings=[crossing], action=AuditAction.CROSSING_VIEW,
                                   purpose="control migratorio: revisión del control")
    return render(request, "control/crossing.html", {
        "crossing": crossing, "checks": list(crossing.checks.all()), "review_form": review_form,
        "tam": getattr(crossing, "tam", None),
    })


@role_required(*STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    """Referred travellers; the page asks for its list in the background (X-Poll) so a new referral
    shows within seconds without reloading (static/js/poll.js)."""
    crossings = list(selectors.referral_queue(crossing_point=_post(request)))
    services.crossing_reads_record(actor=request.user, crossings=crossings, action=AuditAction.QUEUE_VIEW,
                                   purpose="control migratorio: cola de derivados",
                                   once_per_s=services.QUEUE_READ_AUDIT_PERIOD_S)
    template = "control/queue_region.html" if request.headers.get("X-Poll") == "1" else "control/queue.html"
    return render(request, template, {"crossings": crossings})


@role_required(*STAFF)
@require_POST
def review(request: HttpRequest, crossing_id: int) -> HttpResponse:
    point = _post(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        # The page again with the errors on their fields and what was written kept.
        return _crossing_page(request, crossing_id, form)
    try:
        crossing = services.crossing_review(actor=request.user, crossing_id=crossing_id, crossing_point=point,
                                            admit=form.cleaned_data["admit"], reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        show_error(request, exc)
        return redirect("control:crossing", crossing_id=crossing_id)
    messages.success(request, _("Decisión registrada: %(review)s.") % {"review": crossing.get_review_display()})
    return redirect("control:queue")


@csrf_exempt  # CSRF is checked by _migracheck, after the size limit is in place (see below)
def migracheck(request: HttpRequest) -> HttpResponse:
    """MigraCheck: any traveller registers their trip up to 48 h ahead, no account needed.

    The upload limit is set before anything reads the body (the CSRF check reads it too): a body
    over the limit is refused by its Content-Length, a file over its limit while it streams.
    """
    if request.method == "POST":
        try:
            check_content_length(request, limit=MAX_DG_BYTES + FORM_OVERHEAD_BYTES, field="dg2",
                                 field_limit=MAX_DG_BYTES)
        except ApplicationError as exc:
            return _migracheck_refused(request, exc)
        handler = FieldSizeLimitHandler(request, {"dg2": MAX_DG_BYTES})
        request.upload_handlers.insert(0, handler)
        request._migracheck_limit = handler
    return _migracheck(request)


def _migracheck_refused(request: HttpRequest, exc: ApplicationError, *, keep_input: bool = False) -> HttpResponse:
    """413: the chip photo's error on its own field, on the page (with the answers already read when
    the photo was stopped while streaming); 429/503 from the throttle: the designed error page."""
    if exc.status != 413:
        return application_error_page(request, exc, back_url=request.path)
    initial = request.POST.dict() if keep_input else {}
    initial.pop("csrfmiddlewaretoken", None)
    initial.pop("dg2", None)
    KeptFiles(request, "control.migracheck").forget("dg2")
    form = PreRegistrationForm(initial=initial)
    form.cleaned_data = {}
    form.add_error("dg2", chip_photo_too_large_message())
    return render(request, "control/migracheck.html", {"form": form}, status=413)


@csrf_protect
def _migracheck(request: HttpRequest) -> HttpResponse:
    kept = KeptFiles(request, "control.migracheck")
    if request.method != "POST":
        kept.clear()
        return render(request, "control/migracheck.html", {"form": PreRegistrationForm()})
    request.FILES  # noqa: B018  (parsed here, under the limit, if the CSRF check has not already)
    oversize = request._migracheck_limit.error()
    if oversize is not None:
        return _migracheck_refused(request, oversize, keep_input=True)
    form = PreRegistrationForm(request.POST, kept.form_files(PreRegistrationForm))
    try:
        request_throttle(request, address_scope="migracheck_ip")
    except ApplicationError as exc:
        return _migracheck_refused(request, exc)
    if form.is_valid():
        data = dict(form.cleaned_data)
        dg2 = data.pop("dg2", None)
        user = request.user if request.user.is_authenticated else None
        try:
            throttle_hit(scope="migracheck_document", key=f"{data['issuing_state']}:{data['document_number']}")
            prereg = services.preregistration_create(actor=user, dg2=dg2.read() if dg2 else None, **data)
        except ApplicationError as exc:
            if exc.status in (429, 503):
                return _migracheck_refused(request, exc)
            show_error(request, exc, form)
        else:
            kept.clear()
            return render(request, "control/migracheck_done.html", {"prereg": prereg})
    kept.keep_form(form)  # the chip photo is not read again when another answer failed
    return render(request, "control/migracheck.html", {"form": kept.show(form)})


def migracheck_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the MigraCheck e-mail: GET shows the trip, POST confirms the address (a link
    scanner that only GETs confirms nothing)."""
    confirmed = None
    if request.method == "POST":
        try:
            confirmed = services.preregistration_email_confirm(
                token=token, actor=request.user if request.user.is_authenticated else None)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return render(request, "control/migracheck_confirm.html", {"invalid": True}, status=400)
    return render(request, "control/migracheck_confirm.html", {"confirmed": confirmed})
