"""Officer pages: capture (upload or browser camera) with the quality report at once, review cases, station tokens.

Every page is for staff with a sede and shows only that sede's records; each page that shows a
person's data or biometrics writes an audit READ entry with the person and the purpose.
"""
from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cuentas import roles
from cuentas.kept_files import KeptFiles
from cuentas.web import show_error
from core.errors import ApplicationError

from . import inputs, selectors, services, stations
from .forms import CaseDecisionForm
from .audit_actions import AuditAction
from .engine import FingerPosition, MissingReason, capture_face, capture_signature
from .engine.finger import POSITION_LABELS
from .models import Enrollment

REVIEW_PURPOSE = "revisión por servidor de MIGRACIONES"
CASE_PURPOSE = "revisión de un caso biométrico"


def staff_required(view):
    """Officers and supervisors of a sede only (TOTP is enforced by the project's middleware)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.role_names & {roles.OFFICER, roles.SUPERVISOR}:
            return HttpResponseForbidden(_("Su rol no permite esta operación."))
        if request.user.office_id is None:
            return HttpResponseForbidden(_("Su usuario no tiene una sede asignada."))
        return view(request, *args, **kwargs)

    return wrapper


# The reasons a finger is not captured, in words (the values the engine records).
MISSING_REASON_LABELS = {
    MissingReason.AMPUTATED: gettext_lazy("amputado"),
    MissingReason.BANDAGED: gettext_lazy("vendado o lesionado"),
    MissingReason.UNUSABLE: gettext_lazy("huella ilegible (se intentó capturar)"),
    MissingReason.OTHER: gettext_lazy("otro motivo"),
}
FINGER_CODES = [int(p) for p in FingerPosition if p != FingerPosition.UNKNOWN]
# The fingers in the reader's language (the engine's POSITION_LABELS are the Spanish it records).
FINGER_NAMES = {
    1: gettext_lazy("pulgar derecho"), 2: gettext_lazy("índice derecho"), 3: gettext_lazy("medio derecho"),
    4: gettext_lazy("anular derecho"), 5: gettext_lazy("meñique derecho"), 6: gettext_lazy("pulgar izquierdo"),
    7: gettext_lazy("índice izquierdo"), 8: gettext_lazy("medio izquierdo"), 9: gettext_lazy("anular izquierdo"),
    10: gettext_lazy("meñique izquierdo"),
}


def _capture_context(request: HttpRequest | None = None, **extra) -> dict:
    """The capture form; after an error, what the officer entered and the names of the images kept."""
    posted = request.POST if request is not None and request.method == "POST" else {}
    kept = extra.pop("kept", {})
    positions = [{"code": code, "label": FINGER_NAMES[code],
                  "missing": posted.get(f"missing_{code}", ""), "kept": kept.get(f"finger_{code}", ""),
                  "input_id": f"finger-{code}", "field": f"finger_{code}"}
                 for code in FINGER_CODES]
    return {
        "document_kinds": Enrollment.DocumentKind.choices,
        "positions": positions,
        "missing_reasons": [(r.value, MISSING_REASON_LABELS[r]) for r in MissingReason],
        "posted": posted, "kept": kept,
        **extra,
    }


@staff_required
@require_http_methods(["GET", "POST"])
def capture(request: HttpRequest) -> HttpResponse:
    """The enrollment form: face (file or camera), fingers by position, signature. After an error the images
    that pass on their own are kept on the server (cuentas.kept_files) and named on the page."""
    kept = KeptFiles(request, "biometria.capture")
    fields = inputs.image_fields(FINGER_CODES)
    if request.method == "GET":
        kept.clear()
        return render(request, "biometria/capture.html", _capture_context(request))
    files = kept.files(request.FILES, request.POST, fields=fields)
    try:
        face = capture_face(inputs.image_bytes(request.POST, files, "face"))
        signature = inputs.image_bytes(request.POST, files, "signature", required=False)
        outcome = services.enrollment_create(
            actor=request.user, person_id=int(request.POST.get("person_id") or 0),
            document_kind=request.POST.get("document_kind", ""), face=face,
            fingers=inputs.finger_captures(request.POST, files),
            missing_fingers=inputs.missing_fingers(request.POST),
            signature_png=capture_signature(signature) if signature else None,
        )
    except ApplicationError as exc:
        accepted = inputs.accepted_images(request.POST, files, finger_codes=FINGER_CODES)
        kept.keep_accepted(files, request.POST, accepted, fields=fields, text_name=_("foto de la cámara"))
        return render(request, "biometria/capture.html",
                      _capture_context(request, error=exc, kept=kept.names(), page_has_errors=True),
                      status=exc.status)
    kept.clear()
    if outcome.duplicate_case:
        messages.warning(request, _("El rostro coincide con otra identidad: se abrió un caso para revisión."))
        return redirect("biometria:case_detail", pk=outcome.duplicate_case.pk)
    messages.success(request, _("Enrolamiento registrado."))
    return redirect("biometria:enrollment_detail", pk=outcome.enrollment.pk)


@staff_required
@require_POST
def quality_check(request: HttpRequest) -> JsonResponse:
    """The face quality report for one photo, shown at once beside the camera or upload."""
    try:
        face = capture_face(inputs.image_bytes(request.POST, request.FILES, "face"))
    except ApplicationError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"faces_found": 1, **face.quality.as_dict()})


@staff_required
def enrollment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.enrollment_for_office(enrollment_id=pk, office_id=request.user.office_id)
    if enrollment is None:
        raise Http404
    selectors.page_read_record(actor=request.user, action=AuditAction.PAGE_ENROLLMENT, obj=enrollment,
                               person_ids=[enrollment.person_id], purpose=REVIEW_PURPOSE)
    return render(request, "biometria/enrollment.html", {
        "enrollment": enrollment, "fingers": enrollment.fingers.order_by("position"),
        "labels": {int(p): label for p, label in POSITION_LABELS.items()},
    })


@staff_required
def portrait(request: HttpRequest, pk: int) -> HttpResponse:
    """The decrypted DG2 portrait; each view is audited with the officer and purpose."""
    enrollment = selectors.enrollment_for_office(enrollment_id=pk, office_id=request.user.office_id)
    if enrollment is None:
        raise Http404
    data = selectors.enrollment_portrait(actor=request.user, enrollment=enrollment, purpose=REVIEW_PURPOSE)
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"  # biometric images must not linger in caches
    return response


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.duplicate_cases_open(office_id=request.user.office_id))
    selectors.page_read_record(actor=request.user, action=AuditAction.PAGE_CASE_LIST, purpose=CASE_PURPOSE,
                               person_ids=[p for c in cases for p in (c.enrollment.person_id,
                                                                      c.matched_enrollment.person_id)])
    return render(request, "biometria/cases.html", {"cases": cases})


@staff_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Both records side by side, and the decision (by an officer of the sede) with a reason."""
    case = selectors.case_for_office(case_id=pk, office_id=request.user.office_id)
    if case is None:
        raise Http404
    error = None
    form = CaseDecisionForm(request.POST or None, kind=case.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_decide(actor=request.user, case_id=case.pk, accept=form.accept(),
                                 reason=form.cleaned_data["reason"])
            messages.success(request, _("Decisión registrada."))
            return redirect("biometria:case_list")
        except ApplicationError as exc:
            error = exc
            show_error(request, exc, form)
    selectors.page_read_record(actor=request.user, action=AuditAction.PAGE_CASE, obj=case, purpose=CASE_PURPOSE,
                               person_ids=[case.enrollment.person_id, case.matched_enrollment.person_id])
    return render(request, "biometria/case.html", {"case": case, "form": form},
                  status=error.status if error else 400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def station_token(request: HttpRequest) -> HttpResponse:
    """An officer authorizes one enrollment station of their sede to enroll for them, for a short time."""
    token = error = None
    if request.method == "POST":
        try:
            token = services.station_token_issue(actor=request.user, device_key_id=request.POST.get("station", ""))
        except ApplicationError as exc:
            error = exc
    response = render(request, "biometria/station.html", {
        "stations": selectors.enrollment_stations(office_id=request.user.office_id), "token": token,
        "error": error, "ttl_minutes": stations.token_ttl_s() // 60,
    }, status=error.status if error else 200)
    response["Cache-Control"] = "no-store"
    return response
