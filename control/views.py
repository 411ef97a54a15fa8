"""Pages of migratory control: the officer's counter, a crossing with its checks, the referral queue, MigraCheck."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from migraciones.errors import ApplicationError

from . import selectors, services
from .checks import ChipData
from .forms import CounterForm, PreRegistrationForm, ReviewForm
from .ocr import mrz_from_photo
from cuentas.web import role_required, show_error

STAFF = ("officer", "supervisor")


@role_required(*STAFF)
def counter(request: HttpRequest) -> HttpResponse:
    """The officer's counter: MRZ typed, from a photo or from the chip; every check shown at once."""
    form = CounterForm(request.POST or None, request.FILES or None, initial={"crossing_point": "AIJCH"})
    if request.method == "POST" and form.is_valid():
        try:
            decision = _decide_at_counter(request, form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            return redirect("control:crossing", crossing_id=decision.crossing_id)
    return render(request, "control/counter.html", {"form": form})


def _decide_at_counter(request: HttpRequest, data: dict) -> services.Decision:
    lines = [line for line in (data.get("mrz") or "").split() if line]
    if not lines and data.get("mrz_photo"):
        lines = mrz_from_photo(data["mrz_photo"].read())
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
    crossing = selectors.crossing_get(crossing_id=crossing_id)
    if crossing is None:
        raise Http404(_("No existe ese control."))
    return render(request, "control/crossing.html", {
        "crossing": crossing, "checks": list(crossing.checks.all()), "review_form": ReviewForm(),
        "tam": getattr(crossing, "tam", None),
    })


@role_required(*STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    """Referred travellers; the page refreshes itself so a new referral shows within seconds."""
    return render(request, "control/queue.html", {"crossings": selectors.referral_queue()})


@role_required(*STAFF)
@require_POST
def review(request: HttpRequest, crossing_id: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indique la decisión y el motivo."))
        return redirect("control:crossing", crossing_id=crossing_id)
    try:
        crossing = services.crossing_review(actor=request.user, crossing_id=crossing_id,
                                            admit=form.cleaned_data["admit"], reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        show_error(request, exc)
        return redirect("control:crossing", crossing_id=crossing_id)
    messages.success(request, _("Decisión registrada: %(review)s.") % {"review": crossing.get_review_display()})
    return redirect("control:queue")


def migracheck(request: HttpRequest) -> HttpResponse:
    """MigraCheck: any traveller registers their trip up to 48 h ahead, no account needed."""
    form = PreRegistrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dg2 = data.pop("dg2", None)
        try:
            prereg = services.preregistration_create(actor=None, dg2=dg2.read() if dg2 else None, **data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            return render(request, "control/migracheck_done.html", {"prereg": prereg})
    return render(request, "control/migracheck.html", {"form": form})
