"""The applicant's pages of the Agencia Digital: the catalogue, a procedure's page, the draft's task list
(questions, documents, payment, check and submit), the case page with its stage tracker, and the steps
after filing (answer an observation, extension, withdrawal, reconsideración). One thing per page."""
from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from control.uploads import FORM_OVERHEAD_BYTES, FieldSizeLimitHandler, check_content_length
from core.errors import ApplicationError, NotFound
from cuentas.roles import CITIZEN, FOREIGNER
from cuentas.throttling import request_throttle
from cuentas.web import application_error_page, role_required, show_error
from documentos.rendering import pdf_attachment
from documentos.selectors import document_pdf

from . import selectors, services
from .catalogue import MAX_FILE_BYTES, spec_of
from .forms import AnswerForm, AppealForm, LinkForm, ReasonForm, ReceiptForm, UploadForm, posted, procedure_form
from .models import Case, CaseAct
from .stages import stages_of

APPLICANT = (CITIZEN, FOREIGNER)
S = Case.Status
# The states a case may be withdrawn from (desistimiento) by its applicant.
WITHDRAWABLE = (S.FILED, S.IN_EVALUATION, S.OBSERVED, S.CORRECTED)


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_own(request.user, case_id, actor=request.user)
    except NotFound:
        raise Http404(_("El expediente no existe.")) from None


def _to_case(case: Case) -> HttpResponse:
    return redirect("tramites:case", case_id=case.pk)


# ---- catalogue -------------------------------------------------------------------------------------

def catalogue(request: HttpRequest) -> HttpResponse:
    """Every procedure; for a signed-in applicant, which ones they may file and why not the others."""
    person = services.applicant_person(request.user) if request.user.is_authenticated else None
    entries = selectors.catalogue(person=person, actor=request.user if person else None)
    cases = selectors.cases_of(request.user, actor=request.user) if request.user.is_authenticated else []
    return render(request, "tramites/catalogue.html", {
        "available": [e for e in entries if e.reason is None] if person else [],
        "unavailable": [e for e in entries if e.reason is not None] if person else [],
        "everything": entries if person is None else [], "person": person, "cases": cases,
        "needs_link": request.user.is_authenticated and person is None})


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    """The procedure's service page (gob.pe's layout): what it is, what you need, step by step, fee, term."""
    try:
        procedure_type = services.procedure_active(code)
    except NotFound:
        raise Http404(_("Ese trámite no existe.")) from None
    spec = spec_of(procedure_type)
    person = services.applicant_person(request.user) if request.user.is_authenticated else None
    from .eligibility import reasons_against
    from pagos.selectors import fee_amount, fee_for

    reason = reasons_against(spec, person=person) if person is not None else None
    amount = None
    if spec.fee:
        try:
            amount = fee_amount(fee_for(spec.fee))
        except ApplicationError:
            amount = None
    return render(request, "tramites/procedure.html", {"spec": spec, "procedure": procedure_type, "person": person,
                                                       "reason": reason, "amount": amount})


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    """A foreigner proves who they are to tie the account to their migratory record."""
    if services.applicant_person(request.user) is not None:
        return redirect("tramites:catalogue")
    form = LinkForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        try:
            request_throttle(request, address_scope="tramites_link_ip",
                             keyed={"tramites_link_user": str(request.user.pk)})
        except ApplicationError as exc:
            return application_error_page(request, exc, back_url=request.path)
        if form.is_valid():
            try:
                services.applicant_link(user=request.user, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Su cuenta quedó vinculada a su registro migratorio."))
                return redirect("tramites:catalogue")
    return render(request, "tramites/link.html", {"form": form}, status=status)


@role_required(*APPLICANT)
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    try:
        case = services.case_draft_start(user=request.user, procedure_code=code, actor=request.user)
    except ApplicationError as exc:
        return application_error_page(request, exc, back_url=reverse("tramites:procedure", args=[code]))
    return _to_case(case)


# ---- the case ----------------------------------------------------------------------------------------

@role_required(*APPLICANT)
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    spec = spec_of(case.procedure)
    if case.status == S.DRAFT:
        problems = services.submission_problems(case)
        files = {f.key: f for f in case.files.filter(replaced=False)}
        return render(request, "tramites/draft.html", {
            "case": case, "spec": spec, "problems": problems, "files": files,
            "questions_done": not any(f.key in problems for f in spec.fields),
            "documents_done": not any(d.key in problems for d in spec.documents),
            "payment": services.payment_state(case)})
    observation = case.observations.order_by("-created_at").first()
    acts = {a.kind: a for a in case.acts.select_related("document", "notice")}
    return render(request, "tramites/case.html", {
        "case": case, "spec": spec, "stages": stages_of(case), "observation": observation,
        "observation_deadline": services.observation_deadline(observation) if observation else None,
        "acts": acts, "events": case.events.all(), "position": selectors.queue_position(case),
        # The expected date only while the term runs (an observation pauses it; a decision ends it).
        "expected": case.due_on if case.status in selectors.UNDECIDED else None,
        "days_left": selectors.business_days_left(case), "appeal_deadline": services.appeal_deadline(case),
        "negative_silence": services.negative_silence_applies(case),
        "payment": services.payment_state(case), "files": case.files.filter(replaced=False),
        "can_withdraw": case.status in WITHDRAWABLE})


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case.status != S.DRAFT:
        return _to_case(case)
    spec = spec_of(case.procedure)
    form = procedure_form(spec, data=posted(request), initial=case.form_data)
    if request.method == "POST":
        form.is_valid()
        data = {f.key: request.POST.get(f.key, "") for f in spec.fields}
        try:
            services.case_draft_save(user=request.user, case_id=case.pk, data=data, actor=request.user)
        except ApplicationError as exc:
            show_error(request, exc, form)
            return render(request, "tramites/questions.html", {"case": case, "spec": spec, "form": form}, status=400)
        return _to_case(case)
    return render(request, "tramites/questions.html", {"case": case, "spec": spec, "form": form})


@csrf_exempt  # checked by _upload once the size limit is in place (the CSRF check reads the body)
def upload(request: HttpRequest, case_id: int, key: str) -> HttpResponse:
    if request.method == "POST":
        try:
            check_content_length(request, limit=MAX_FILE_BYTES + FORM_OVERHEAD_BYTES, field="archivo",
                                 field_limit=MAX_FILE_BYTES)
        except ApplicationError as exc:
            request._tramites_oversize = exc
        else:
            handler = FieldSizeLimitHandler(request, {"archivo": MAX_FILE_BYTES})
            request.upload_handlers.insert(0, handler)
            request._tramites_limit = handler
    return _upload(request, case_id, key)


@csrf_protect
@role_required(*APPLICANT)
def _upload(request: HttpRequest, case_id: int, key: str) -> HttpResponse:
    case = _case(request, case_id)
    spec = spec_of(case.procedure)
    document = spec.document(key)
    if document is None:
        raise Http404(_("Este trámite no pide ese documento."))
    if case.status not in (S.DRAFT, S.OBSERVED):
        return _to_case(case)  # filed: its documents change only when an observation asks for them
    current = case.files.filter(key=key, replaced=False).first()
    back = "tramites:answer" if case.status == S.OBSERVED else "tramites:case"
    context = {"case": case, "spec": spec, "document": document, "current": current, "back": back,
               "max_mb": MAX_FILE_BYTES // (1024 * 1024)}
    if request.method != "POST":
        return render(request, "tramites/upload.html", {**context, "form": UploadForm()})
    form = UploadForm(data={})
    form.is_valid()
    oversize = getattr(request, "_tramites_oversize", None)
    if oversize is None:
        request.FILES  # noqa: B018  (parsed here, under the limit)
        oversize = request._tramites_limit.error()
    if oversize is not None:
        form.add_error("archivo", _("El archivo supera %(mb)s MB. Reduzca su tamaño o escanéelo con menos resolución.")
                       % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        return render(request, "tramites/upload.html", {**context, "form": form}, status=413)
    uploaded = request.FILES.get("archivo")
    if uploaded is None:
        form.add_error("archivo", _("Elija un archivo."))
        return render(request, "tramites/upload.html", {**context, "form": form}, status=400)
    try:
        services.case_file_add(user=request.user, case_id=case.pk, key=key, name=uploaded.name,
                               data=uploaded.read(), actor=request.user)
    except ApplicationError as exc:
        form.add_error("archivo", str(exc.fields.get(key) or exc.message))
        return render(request, "tramites/upload.html", {**context, "form": form}, status=exc.status)
    messages.success(request, _("Archivo aceptado: %(name)s.") % {"name": uploaded.name[:120]})
    return redirect(back, case_id=case.pk)


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def payment(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case.status not in (S.DRAFT, S.FILED):
        return _to_case(case)  # past filing nothing more is paid here
    form = ReceiptForm(posted(request))
    status = 200
    if request.method == "POST" and request.POST.get("method") == "order":
        try:
            payment = services.case_pay_order(
                user=request.user, case_id=case.pk, actor=request.user,
                notify_url=request.build_absolute_uri("/api/v1/pagos/notificacion"),
                return_url=request.build_absolute_uri(reverse("tramites:case", args=[case.pk])))
        except ApplicationError as exc:
            return application_error_page(request, exc, back_url=request.path)
        return redirect(payment.pay_url)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                paid = services.case_pay_receipt(user=request.user, case_id=case.pk, actor=request.user,
                                                 **form.cleaned_data)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                if paid.status == paid.Status.PAID:
                    messages.success(request, _("Pago confirmado por el Banco de la Nación."))
                else:
                    messages.info(request, _("El Banco de la Nación no respondió: su pago queda pendiente de "
                                             "confirmación y lo revisaremos de nuevo en unos minutos."))
                return _to_case(case)
    return render(request, "tramites/payment.html", {"case": case, "spec": spec_of(case.procedure), "form": form,
                                                     "lines": services.amounts_due(case),
                                                     "state": services.payment_state(case)}, status=status)


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, case_id: int) -> HttpResponse:
    """Check your answers, then submit (once: the page's key makes a double click one filing)."""
    case = _case(request, case_id)
    if case.status != S.DRAFT:
        return _to_case(case)
    spec = spec_of(case.procedure)
    if request.method == "POST":
        try:
            filed = services.case_submit(user=request.user, case_id=case.pk, actor=request.user,
                                         submit_key=request.POST.get("submit_key", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("tramites:case", case_id=case.pk)
        return redirect("tramites:filed", case_id=filed.pk)
    answers = [(f.label, f.choice_label(str(case.form_data.get(f.key, ""))) if f.type == "choice"
                else case.form_data.get(f.key, "")) for f in spec.fields]
    return render(request, "tramites/submit.html", {
        "case": case, "spec": spec, "answers": answers, "problems": services.submission_problems(case),
        "files": case.files.filter(replaced=False), "submit_key": secrets.token_urlsafe(24),
        "lines": services.amounts_due(case)})


@role_required(*APPLICANT)
def filed(request: HttpRequest, case_id: int) -> HttpResponse:
    """The confirmation after submitting: the case number, what happens next, the constancia."""
    case = _case(request, case_id)
    if case.status == S.DRAFT:
        return _to_case(case)  # not filed yet: its task list, not a confirmation
    constancia = case.acts.filter(kind=CaseAct.Kind.CONSTANCIA).select_related("document").first()
    template = "tramites/filed_constancia.html" if request.headers.get("X-Poll") == "1" else "tramites/filed.html"
    return render(request, template, {"case": case, "spec": spec_of(case.procedure), "constancia": constancia})


@role_required(*APPLICANT)
def act_pdf(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    case = _case(request, case_id)
    act = case.acts.filter(kind=kind.upper()).select_related("document").first()
    if act is None or act.document is None:
        raise Http404(_("Ese documento aún no existe."))
    data = document_pdf(act.document, actor=request.user, purpose=selectors.PURPOSE_APPLICANT)
    return pdf_attachment(data, f"{case.number}-{act.kind.lower()}.pdf")


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    observation = case.observations.filter(answered_at__isnull=True).first()
    if case.status != S.OBSERVED or observation is None:
        return _to_case(case)
    spec = spec_of(case.procedure)
    form = AnswerForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.case_correct(user=request.user, case_id=case.pk, answer=form.cleaned_data["answer"],
                                      actor=request.user)
            except ApplicationError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Envió su respuesta: la evaluación continúa."))
                return _to_case(case)
    fresh = {f.key: f for f in case.files.filter(replaced=False, uploaded_at__gt=observation.created_at)}
    documents = [(spec.document(key), fresh.get(key)) for key in observation.documents]
    return render(request, "tramites/answer.html", {
        "case": case, "spec": spec, "observation": observation, "form": form, "documents": documents,
        "deadline": services.observation_deadline(observation)}, status=status)


def _confirm_step(request: HttpRequest, case_id: int, *, template: str, action, done: str, form_class=None,
                  field: str = "reason", allowed=None) -> HttpResponse:
    case = _case(request, case_id)
    if allowed is not None and case.status not in allowed:
        return _to_case(case)  # nothing to confirm: the case page says where it stands
    form = form_class(posted(request)) if form_class else None
    status = 200
    if request.method == "POST":
        status = 400
        if form is None or form.is_valid():
            try:
                action(case, form.cleaned_data[field] if form else None)
            except ApplicationError as exc:
                if form is None:
                    messages.error(request, exc.message)
                    return _to_case(case)
                show_error(request, exc, form)
            else:
                messages.success(request, done)
                return _to_case(case) if case.status != S.DRAFT else redirect("tramites:catalogue")
    return render(request, template, {"case": case, "spec": spec_of(case.procedure), "form": form}, status=status)


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def extension(request: HttpRequest, case_id: int) -> HttpResponse:
    return _confirm_step(request, case_id, template="tramites/extension.html", allowed=(S.OBSERVED,), done=_(
        "Se le concedió una prórroga de 30 días para responder."),
        action=lambda case, _v: services.case_extension_request(user=request.user, case_id=case.pk,
                                                                actor=request.user))


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    return _confirm_step(request, case_id, template="tramites/withdraw.html", form_class=ReasonForm, allowed=WITHDRAWABLE,
                         done=_("Desistió del trámite. El expediente quedó cerrado."),
                         action=lambda case, reason: services.case_withdraw(user=request.user, case_id=case.pk,
                                                                            reason=reason, actor=request.user))


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, case_id: int) -> HttpResponse:
    return _confirm_step(request, case_id, template="tramites/appeal.html", form_class=AppealForm, field="text",
                         done=_("Presentó su pedido de reconsideración: un servidor volverá a evaluar el expediente."),
                         action=lambda case, text: services.case_appeal(user=request.user, case_id=case.pk,
                                                                        text=text, actor=request.user))


@role_required(*APPLICANT)
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if case.status != S.DRAFT:
        return _to_case(case)
    if request.method == "POST":
        try:
            services.case_draft_discard(user=request.user, case_id=case.pk, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return _to_case(case)
        messages.success(request, _("Borró el borrador."))
        return redirect("tramites:catalogue")
    return render(request, "tramites/discard.html", {"case": case, "spec": spec_of(case.procedure)})


