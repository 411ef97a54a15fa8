"""The officers' pages of tramites: the sede's queue (nearest legal deadline first), a case beside the
person's RIM record, and the acts (take, observe, resolve, second approval); the supervisor's dashboard."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ApplicationError, NotFound
from cuentas.roles import OFFICER, SUPERVISOR
from cuentas.web import application_error_page, role_required, show_error
from rim import selectors as rim_selectors

from . import selectors, services
from .catalogue import spec_of
from .drafting import draft_get, drafts_for
from .forms import ObserveForm, ResolveForm, posted
from .models import Case, ProcedureType
from .uploads import upload_open

STAFF = (OFFICER, SUPERVISOR)
S = Case.Status
# Where the officer's case page offers to observe and to resolve (the services check the same again).
OBSERVABLE = (S.FILED, S.IN_EVALUATION)
RESOLVABLE = (S.FILED, S.IN_EVALUATION, S.CORRECTED, S.APPEALED)


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_for_officer(case_id, actor=request.user)
    except NotFound:
        raise Http404(_("El expediente no existe o es de otra sede.")) from None


def _no_office(request: HttpRequest) -> HttpResponse | None:
    if request.user.office_id is None:
        return render(request, "tramites/officer_no_office.html", status=403)
    return None


@role_required(*STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    refused = _no_office(request)
    if refused:
        return refused
    code = request.GET.get("tramite", "")
    status = request.GET.get("estado", "")
    if status not in Case.Status.values:
        status = ""
    after = None
    if request.GET.get("desde_id", "").isdigit():
        # The last row's legal date, or none (cases without a term come last): the next page starts after it.
        try:
            due = dt.date.fromisoformat(request.GET["desde_fecha"]) if request.GET.get("desde_fecha") else None
            after = (due, int(request.GET["desde_id"]))
        except ValueError:
            after = None
    mine = request.GET.get("mios") == "1"
    rows = list(selectors.queue(office_id=request.user.office_id, procedure_code=code, status=status,
                                assigned_to=request.user if mine else None, after=after, limit=50))
    items = [(c, spec_of(c.procedure), selectors.business_days_left(c)) for c in rows]
    procedures = [(p.code, spec_of(p).name) for p in ProcedureType.objects.filter(active=True).order_by("code")]
    template = "tramites/officer_queue_rows.html" if request.headers.get("X-Poll") == "1" else "tramites/officer_queue.html"
    return render(request, template, {
        "items": items, "procedures": procedures, "code": code, "status": status, "mine": mine,
        "statuses": [(s, Case.Status(s).label) for s in selectors.UNDECIDED],
        "risk": selectors.AT_RISK_BUSINESS_DAYS, "next": rows[-1] if len(rows) == 50 else None})


@role_required(*STAFF)
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    spec = spec_of(case.procedure)
    person = rim_selectors.person_get(person_id=case.person_id, actor=request.user,
                                      purpose=selectors.PURPOSE_OFFICER)
    status = rim_selectors.residence_status_current(person_id=person.pk)
    answers = [(f.label, f.choice_label(str(case.form_data.get(f.key, ""))) if f.type == "choice"
                else case.form_data.get(f.key, "")) for f in spec.fields]
    return render(request, "tramites/officer_case.html", {
        "case": case, "spec": spec, "person": person, "status": status, "answers": answers,
        "documents": person.documents.all(), "movements": person.movements.select_related("crossing_point")[:10],
        "files": case.files.filter(replaced=False), "observations": case.observations.all(),
        "events": case.events.all(), "checks": [(s, case.checks.get(s, {})) for s in spec.checks],
        "checks_state": services.checks_state(case),
        # The legal term runs only while the case waits for a decision.
        "days_left": selectors.business_days_left(case) if case.status in selectors.UNDECIDED else None,
        "observe_form": ObserveForm(spec=spec), "resolve_form": ResolveForm(),
        **_actions(case, request.user),
        "acts": case.acts.select_related("document")})


def _actions(case: Case, user) -> dict[str, bool]:
    """Which acts the case page offers this officer now (each service checks the same again)."""
    actions = {
        "can_take": case.status in (S.FILED, S.CORRECTED, S.APPEALED)
        or (case.status == S.IN_EVALUATION and case.assigned_to_id != user.pk),
        "can_observe": case.status in OBSERVABLE and not case.observations.exists(),
        "can_resolve": case.status in RESOLVABLE and not case.draft_outcome,
        "can_confirm": bool(case.draft_outcome) and case.resolved_by_id != user.pk,
    }
    return {**actions, "any_action": any(actions.values())}


def _act(request: HttpRequest, case_id: int, action, done: str) -> HttpResponse:
    try:
        action()
    except ApplicationError as exc:
        return application_error_page(request, exc, back_url=f"/tramites/servidor/expedientes/{case_id}/")
    messages.success(request, done)
    return redirect("tramites:officer_case", case_id=case_id)


@role_required(*STAFF)
@require_POST
def take(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, lambda: services.case_take(actor=request.user, case_id=case_id),
                _("Tomó el expediente para evaluarlo."))


@role_required(*STAFF)
@require_POST
def confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, lambda: services.case_resolution_confirm(actor=request.user, case_id=case_id),
                _("Aprobó la resolución: se notificó al solicitante."))


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def observe(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case.status not in OBSERVABLE or case.observations.exists():
        return redirect("tramites:officer_case", case_id=case.pk)  # observed once, or past it: nothing to write
    spec = spec_of(case.procedure)
    chosen, initial = _drafts_chosen(request, "observation", spec.code)
    form = ObserveForm(posted(request), spec=spec, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_observe(actor=request.user, case_id=case.pk, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            messages.success(request, _("Observó el expediente: la observación se depositó en el buzón del solicitante."))
            return redirect("tramites:officer_case", case_id=case.pk)
    return render(request, "tramites/officer_observe.html", {
        "case": case, "spec": spec, "form": form, "chosen": chosen,
        "drafts": _draft_links(request, "observation", spec.code, chosen)},
        status=400 if request.method == "POST" else 200)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case.status not in RESOLVABLE or case.draft_outcome:
        return redirect("tramites:officer_case", case_id=case.pk)  # decided, or waiting for the second officer
    spec = spec_of(case.procedure)
    chosen, initial = _drafts_chosen(request, "resolution", spec.code)
    form = ResolveForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resolved = services.case_resolve(actor=request.user, case_id=case.pk, **form.cleaned_data)
        except ApplicationError as exc:
            show_error(request, exc, form)
        else:
            if resolved.draft_outcome:
                messages.success(request, _("Redactó la resolución: otro servidor debe aprobarla."))
            else:
                messages.success(request, _("Resolvió el expediente: la resolución se notificó al solicitante."))
            return redirect("tramites:officer_case", case_id=case.pk)
    return render(request, "tramites/officer_resolve.html", {
        "case": case, "spec": spec, "form": form, "checks_state": services.checks_state(case), "chosen": chosen,
        "drafts": _draft_links(request, "resolution", spec.code, chosen)},
        status=400 if request.method == "POST" else 200)


def _drafts_chosen(request: HttpRequest, kind: str, code: str):
    """The starting texts the officer picked (?texto=key, repeatable), and the form's initial values."""
    if request.method != "GET":
        return [], None
    chosen = [d for d in (draft_get(kind, code, key) for key in request.GET.getlist("texto")[:10]) if d is not None]
    if not chosen:
        return [], None
    initial = {"text": "\n\n".join(d.text for d in chosen)}
    if kind == "resolution":
        initial["outcome"] = chosen[-1].outcome
    return chosen, initial


def _draft_links(request: HttpRequest, kind: str, code: str, chosen) -> list[tuple[str, str]]:
    """(title, link) of each starting text not used yet; an observation adds texts, a resolution replaces."""
    keep = [d.key for d in chosen] if kind == "observation" else []
    return [(d.title, "?" + urlencode([("texto", key) for key in [*keep, d.key]]))
            for d in drafts_for(kind, code) if d.key not in keep]


@role_required(*STAFF)
def file(request: HttpRequest, case_id: int, file_id: int) -> HttpResponse:
    case = _case(request, case_id)
    row = case.files.filter(pk=file_id).first()
    if row is None:
        raise Http404(_("El archivo no existe."))
    from auditoria.services import audit_record

    from .audit_actions import AuditAction

    data = upload_open(row.path)
    audit_record(actor=request.user, action=AuditAction.CASE_FILE_READ, obj=case, person_id=case.person_id,
                 purpose=selectors.PURPOSE_OFFICER, details={"file": row.pk})
    response = HttpResponse(data, content_type=row.content_type)
    response["Content-Disposition"] = f'inline; filename="{case.number}-{row.key}.{row.kind}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(SUPERVISOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    refused = _no_office(request)
    if refused:
        return refused
    board = selectors.dashboard(office_id=request.user.office_id)
    names = {p.code: spec_of(p).name for p in ProcedureType.objects.filter(active=True)}
    return render(request, "tramites/officer_dashboard.html", {"board": board, "names": names})
