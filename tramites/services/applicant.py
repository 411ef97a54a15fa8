"""What the applicant does: prove who they are, keep a draft, give files, pay, submit, answer, withdraw, appeal."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from calendario.services import add_business_days, business_days_between, deadline_after_notification
from core.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cuentas.models import Office
from outbox.services import enqueue_task
from pagos import selectors as pagos_selectors
from pagos import services as pagos_services
from pagos.models import Payment
from rim.models import IdentityDocument, Movement, Person

from .. import uploads
from ..audit_actions import AuditAction
from ..catalogue import FieldSpec, ProcedureSpec, spec_of
from ..eligibility import reasons_against
from ..models import Case, CaseFile, Observation, ProcedureType
from ..workflows import CASE

S = Case.Status
PAYMENT_PURPOSE = "tramites.expediente"
FINE_PURPOSE = "tramites.multa"
APPEAL_BUSINESS_DAYS = 15
EXTENSION_DAYS = 30
CONSTANCIA_TASK = "tramites.tasks.case_constancia_task"
START_TASK = "tramites.tasks.case_start_task"
# The documents a foreigner signs in with at the Agencia Digital, as the RIM and pagos name them.
_LINK_KINDS = {"CE": IdentityDocument.Kind.CARNE_EXTRANJERIA, "PTP": IdentityDocument.Kind.PTP,
               "CPP": IdentityDocument.Kind.PTP, "PASAPORTE": IdentityDocument.Kind.PASAPORTE_EXTRANJERO}
_PAYER_TYPES = {IdentityDocument.Kind.DNI: Payment.DocumentType.DNI,
                IdentityDocument.Kind.CARNE_EXTRANJERIA: Payment.DocumentType.CE,
                IdentityDocument.Kind.PTP: Payment.DocumentType.CPP,
                IdentityDocument.Kind.PASAPORTE_EXTRANJERO: Payment.DocumentType.PASAPORTE,
                IdentityDocument.Kind.PASAPORTE: Payment.DocumentType.PASAPORTE}


# ---- who the applicant is -------------------------------------------------------------------------

def applicant_person(user) -> Person | None:
    """The RIM person a signed-in user acts as: the one they proved (foreigners), or their DNI's (citizens
    whose DNI RENIEC confirmed at sign-up)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    linked = Person.objects.filter(user_id=user.pk).first()
    if linked is not None:
        return linked
    if getattr(user, "dni", None):
        return (Person.objects.filter(documents__kind=IdentityDocument.Kind.DNI, documents__number=user.dni,
                                      user__isnull=True).distinct().first())
    return None


@transaction.atomic
def applicant_link(*, user, document_type: str, document_number: str, birth_date: dt.date, nationality: str,
                   last_entry_date: dt.date, actor: Actor) -> Person:
    """Tie a foreigner's account to their RIM record once they prove it, as the Agencia Digital asks:
    document number, birth date, nationality and the date of their last entry, with a verified e-mail.
    A mismatch says only that the data do not match (never which one: that would help a guesser)."""
    if not getattr(user, "email_verified", False):
        raise PermissionDenied(_("Primero confirme su correo electrónico."), fields={"email": _("Sin confirmar.")})
    kind = _LINK_KINDS.get(document_type)
    if kind is None:
        raise ValidationFailed(_("Elija el tipo de documento."), fields={"document_type": _("Elija una opción.")})
    number = re.sub(r"\s", "", document_number or "").upper()
    if kind == IdentityDocument.Kind.CARNE_EXTRANJERIA and number.isdigit():
        number = number.zfill(9)
    # The match first (a join on documents), then the row locked by its key: PostgreSQL refuses
    # FOR UPDATE together with the DISTINCT the join needs.
    match = (Person.objects.filter(documents__kind=kind, documents__number=number, birth_date=birth_date,
                                   nationality=(nationality or "").upper()).values_list("pk", flat=True).first())
    person = Person.objects.select_for_update().filter(pk=match).first() if match else None
    last_entry = None
    if person is not None:
        last_entry = (Movement.objects.filter(person=person, direction=Movement.Direction.ENTRY)
                      .order_by("-occurred_at").first())
    if person is None or last_entry is None or timezone.localtime(last_entry.occurred_at).date() != last_entry_date:
        audit_record(actor=actor, action=AuditAction.APPLICANT_LINK_REFUSED, object_type="cuentas.user",
                     object_id=str(user.pk), details={"document_type": document_type})
        raise ValidationFailed(_("Los datos no coinciden con su registro migratorio. Revíselos tal como figuran en "
                                 "su documento y en su última entrada al Perú."),
                               fields={"document_number": _("Los datos no coinciden.")})
    if person.user_id not in (None, user.pk):
        raise Conflict(_("Ese registro ya está vinculado a otra cuenta. Acérquese a una sede."),
                       fields={"document_number": _("Vinculado a otra cuenta.")})
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action=AuditAction.APPLICANT_LINK, obj=person, person_id=person.pk,
                 details={"document_type": document_type})
    return person


def _person_required(user) -> Person:
    person = applicant_person(user)
    if person is None:
        raise PermissionDenied(_("Vincule primero su cuenta con su registro migratorio."),
                               fields={"person": _("Sin vincular.")})
    return person


def _own_case(user, case_id: int, *, lock: bool = False) -> Case:
    rows = Case.objects.select_related("procedure", "person", "office")
    if lock:
        rows = rows.select_for_update(of=("self",))
    case = rows.filter(pk=case_id, applicant_id=getattr(user, "pk", None)).first()
    if case is None:
        raise NotFound(_("El expediente no existe."), fields={"case": _("No encontrado.")})
    return case


# ---- the draft ------------------------------------------------------------------------------------

def procedure_active(code: str) -> ProcedureType:
    procedure = ProcedureType.objects.filter(code=code, active=True).first()
    if procedure is None:
        raise NotFound(_("Ese trámite no existe o ya no se ofrece."), fields={"procedure": code})
    return procedure


def default_office() -> Office:
    office = Office.objects.filter(active=True).order_by("code").first()
    if office is None:
        raise Conflict(_("No hay sedes activas para atender trámites."), fields={"office": "none"})
    return office


@transaction.atomic
def case_draft_start(*, user, procedure_code: str, office_id: int | None = None, actor: Actor) -> Case:
    """A draft for this procedure: the one the person already keeps, or a new one if they may file it."""
    person = _person_required(user)
    procedure = procedure_active(procedure_code)
    existing = (Case.objects.filter(applicant=user, procedure__code=procedure_code, status=S.DRAFT)
                .select_related("procedure").order_by("-created_at").first())
    if existing is not None:
        return existing
    reason = reasons_against(spec_of(procedure), person=person)
    if reason:
        raise PermissionDenied(reason, fields={"procedure": reason})
    office = Office.objects.filter(pk=office_id, active=True).first() if office_id else default_office()
    if office is None:
        raise ValidationFailed(_("Elija una sede."), fields={"office": _("Elija una opción.")})
    case = Case(procedure=procedure, applicant=user, person=person, office=office, status=S.DRAFT,
                applicant_active_at=timezone.now())
    case.full_clean(exclude=["number"])
    case.save()
    audit_record(actor=actor, action=AuditAction.CASE_DRAFT, obj=case, person_id=person.pk,
                 details={"procedure": procedure.code, "version": procedure.version})
    return case


def _field_value(field: FieldSpec, raw: Any, *, today: dt.date) -> tuple[Any, str]:
    """(clean value, error message or "") of one answer, by the field's rules in the catalogue."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return "", _("Responda esta pregunta.") if field.required else ""
    if field.type == "text":
        if len(text) > field.max_length:
            return text, _("Escriba como máximo %(n)s caracteres.") % {"n": field.max_length}
        if field.pattern and not re.fullmatch(field.pattern, text):
            return text, _("El formato no es válido.")
        return text, ""
    if field.type == "integer":
        if not re.fullmatch(r"-?\d{1,6}", text):
            return text, _("Escriba un número entero.")
        value = int(text)
        if field.min is not None and value < field.min or field.max is not None and value > field.max:
            return text, _("Escriba un número entre %(min)s y %(max)s.") % {"min": field.min, "max": field.max}
        return value, ""
    if field.type == "date":
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            return text, _("Escriba una fecha válida.")
        if field.future and value < today:
            return text, _("La fecha debe ser hoy o posterior.")
        if field.past and value > today:
            return text, _("La fecha no puede ser futura.")
        return value.isoformat(), ""
    if text not in {c.value for c in field.choices}:
        return text, _("Elija una de las opciones.")
    return text, ""


def form_errors(spec: ProcedureSpec, data: dict[str, Any], *, complete: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean answers, errors by field) for the procedure's form; `complete` also asks the missing ones."""
    today = timezone.localdate()
    clean, errors = {}, {}
    for field in spec.fields:
        if field.key not in data and not complete:
            continue
        value, error = _field_value(field, data.get(field.key), today=today)
        if error and (complete or value != ""):
            errors[field.key] = error
        clean[field.key] = value
    return clean, errors


def case_draft_save(*, user, case_id: int, data: dict[str, Any], actor: Actor) -> Case:
    """Keep the answers typed so far, even wrong ones (nothing typed is lost); then say which are wrong.
    Missing answers wait for the submit."""
    with transaction.atomic():
        case = _own_case(user, case_id, lock=True)
        if case.status != S.DRAFT:
            raise Conflict(_("El expediente ya fue presentado: no se puede cambiar el formulario."),
                           fields={"status": case.status})
        spec = spec_of(case.procedure)
        clean, errors = form_errors(spec, data, complete=False)
        case.form_data = {**case.form_data, **clean}
        case.applicant_active_at = timezone.now()
        case.save(update_fields=["form_data", "applicant_active_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.CASE_DRAFT_SAVE, obj=case, person_id=case.person_id,
                     details={"fields": sorted(clean)})
    if errors:
        raise ValidationFailed(_("Revise las respuestas marcadas."), fields=errors)
    return case


@transaction.atomic
def case_draft_discard(*, user, case_id: int, actor: Actor) -> None:
    case = _own_case(user, case_id, lock=True)
    if case.status != S.DRAFT:
        raise Conflict(_("Solo se puede borrar un borrador."), fields={"status": case.status})
    if pagos_selectors.payment_for_record(PAYMENT_PURPOSE, case.pk) is not None:
        raise Conflict(_("Este borrador ya está pagado: preséntelo o pida la devolución en una sede."),
                       fields={"payment": "paid"})
    audit_record(actor=actor, action=AuditAction.CASE_DRAFT_DISCARD, obj=case, person_id=case.person_id)
    case.delete()


# ---- files ----------------------------------------------------------------------------------------

def _observation_open(case: Case) -> Observation | None:
    return case.observations.filter(answered_at__isnull=True).order_by("-created_at").first()


def case_file_add(*, user, case_id: int, key: str, name: str, data: bytes, actor: Actor) -> CaseFile:
    """Check one file (type from its bytes, size, pages) and keep it as the case's document `key`,
    replacing the one given before. Allowed in a draft, and for the documents an observation names."""
    case = _own_case(user, case_id)
    spec = spec_of(case.procedure)
    document = spec.document(key)
    if document is None:
        raise ValidationFailed(_("Este trámite no pide ese documento."), fields={"key": key})
    if case.status == S.OBSERVED:
        observation = _observation_open(case)
        if observation is None or (observation.documents and key not in observation.documents):
            raise Conflict(_("La observación no pide cambiar este documento."), fields={key: _("No observado.")})
    elif case.status != S.DRAFT:
        raise Conflict(_("El expediente ya fue presentado: no se pueden cambiar sus documentos."),
                       fields={key: case.status})
    checked = uploads.upload_check(field=key, name=name, data=data, accept=document.accept,
                                   max_pages=document.max_pages)
    # The bytes are stored before the row: a failure after leaves an unreferenced file, never a row without one.
    path = uploads.upload_store(checked)
    with transaction.atomic():
        case = _own_case(user, case_id, lock=True)
        CaseFile.objects.filter(case=case, key=key, replaced=False).update(replaced=True)
        row = CaseFile.objects.create(case=case, key=key, name=checked.name, kind=checked.kind,
                                      content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                      pages=checked.pages, path=path)
        Case.objects.filter(pk=case.pk).update(applicant_active_at=timezone.now())
        audit_record(actor=actor, action=AuditAction.CASE_FILE_UPLOAD, obj=case, person_id=case.person_id,
                     details={"key": key, "sha256": checked.sha256, "size": checked.size})
    return row


# ---- payment --------------------------------------------------------------------------------------

def payer_document(person: Person) -> tuple[str, str]:
    """(pagos document type, number) the bank knows the applicant by: the receipt must carry it."""
    order = [IdentityDocument.Kind.CARNE_EXTRANJERIA, IdentityDocument.Kind.PTP, IdentityDocument.Kind.DNI,
             IdentityDocument.Kind.PASAPORTE_EXTRANJERO, IdentityDocument.Kind.PASAPORTE]
    documents = {d.kind: d for d in person.documents.filter(status=IdentityDocument.Status.VIGENTE)}
    for kind in order:
        if kind in documents:
            return _PAYER_TYPES[kind], documents[kind].number
    raise Conflict(_("Su registro no tiene un documento vigente con el que pagar."), fields={"payment": "document"})


def late_fine_months(spec: ProcedureSpec, form_data: dict[str, Any], *, on: dt.date | None = None) -> int:
    """Months (begun) past the term to report a change (actualización de datos): the fine's units."""
    if not spec.params.get("late_fine") or not form_data.get("fecha_cambio"):
        return 0
    try:
        changed = dt.date.fromisoformat(str(form_data["fecha_cambio"]))
    except ValueError:
        return 0
    late_days = ((on or timezone.localdate()) - changed).days - int(spec.params.get("late_after_days", 30))
    return 0 if late_days <= 0 else -(-late_days // 30)


def amounts_due(case: Case) -> list[dict[str, Any]]:
    """What the case must pay: the fee and, if any, the late fine; each with its payment when there is one."""
    spec = spec_of(case.procedure)
    today = timezone.localdate()
    lines = []
    if spec.fee:
        fee = pagos_selectors.fee_for(spec.fee, on=today)
        amount = pagos_selectors.fee_amount(fee, on=today)
        if amount > 0:
            lines.append({"purpose": PAYMENT_PURPOSE, "procedure": spec.fee, "fee": fee, "amount": amount, "units": 1})
    months = late_fine_months(spec, case.form_data, on=today)
    if months:
        fine = pagos_selectors.fee_for(spec.params["late_fine"], on=today)
        lines.append({"purpose": FINE_PURPOSE, "procedure": spec.params["late_fine"], "fee": fine,
                      "amount": pagos_selectors.fee_amount(fine, on=today, units=months), "units": months})
    for line in lines:
        line["payment"] = pagos_selectors.payment_for_record(line["purpose"], case.pk)
        line["pending"] = (Payment.objects.filter(purpose_kind=line["purpose"], purpose_id=str(case.pk),
                                                  status=Payment.Status.PENDING).order_by("-created_at").first())
    return lines


def payment_state(case: Case) -> str:
    """"free", "paid", "pending" (the bank has not confirmed yet) or "due"."""
    lines = amounts_due(case)
    if not lines:
        return "free"
    if all(line["payment"] is not None and pagos_selectors.payment_is_confirmed(line["payment"]) for line in lines):
        return "paid"
    if all(line["payment"] is not None or line["pending"] is not None for line in lines):
        return "pending"
    return "due"


def _line(case: Case, purpose: str) -> dict[str, Any]:
    line = next((l for l in amounts_due(case) if l["purpose"] == purpose), None)
    if line is None:
        raise Conflict(_("No hay nada que pagar por este concepto."), fields={"payment": purpose})
    if line["payment"] is not None:
        raise Conflict(_("Este concepto ya está pagado."), fields={"payment": _("Pagado.")})
    return line


def _payment_start(user, case_id: int, purpose: str):
    """(case, line due, payer document type, number) for a payment the case may still take."""
    case = _own_case(user, case_id)
    if case.status not in (S.DRAFT, S.FILED):
        raise Conflict(_("Este expediente ya no recibe pagos."), fields={"status": case.status})
    document_type, number = payer_document(case.person)
    return case, _line(case, purpose), document_type, number


def case_pay_receipt(*, user, case_id: int, receipt_number: str, payment_date: dt.date, actor: Actor,
                     purpose: str = PAYMENT_PURPOSE) -> Payment:
    """Register a receipt paid at the bank for the case; the bank checks code, amount, document and date."""
    case, line, document_type, number = _payment_start(user, case_id, purpose)
    payment = pagos_services.payment_receipt_register(
        actor=actor, purpose_kind=purpose, procedure=line["procedure"], payer_document_type=document_type,
        payer_document_number=number, receipt_number=receipt_number, payment_date=payment_date,
        purpose_id=str(case.pk), user=user, units=line["units"])
    audit_record(actor=actor, action=AuditAction.CASE_PAYMENT, obj=case, person_id=case.person_id,
                 details={"payment": payment.pk, "status": payment.status, "method": "receipt"})
    return payment


def case_pay_order(*, user, case_id: int, notify_url: str, return_url: str, actor: Actor,
                   purpose: str = PAYMENT_PURPOSE) -> Payment:
    """An order at the bank's page for the case (the bank calls back when paid)."""
    case, line, document_type, number = _payment_start(user, case_id, purpose)
    payment = pagos_services.payment_order_create(
        actor=actor, purpose_kind=purpose, procedure=line["procedure"], payer_document_type=document_type,
        payer_document_number=number, notify_url=notify_url, return_url=return_url, purpose_id=str(case.pk),
        user=user, units=line["units"])
    audit_record(actor=actor, action=AuditAction.CASE_PAYMENT, obj=case, person_id=case.person_id,
                 details={"payment": payment.pk, "status": payment.status, "method": "order"})
    return payment


def case_payment_confirmed(*, actor: Actor, payment: Payment) -> int | None:
    """pagos' paid-handler: a submitted case whose fee the bank now confirms starts its evaluation."""
    if not payment.purpose_id.isdigit():
        return None
    case = Case.objects.filter(pk=int(payment.purpose_id)).first()
    if case is None:
        return None
    if case.status == S.FILED:
        enqueue_task(START_TASK, kwargs={"case_id": case.pk})
    return case.pk


# ---- submit ---------------------------------------------------------------------------------------

def submission_problems(case: Case) -> dict[str, str]:
    """What stops the draft from being submitted, by field (empty: it can be)."""
    spec = spec_of(case.procedure)
    _clean, problems = form_errors(spec, case.form_data, complete=True)
    given = set(case.files.filter(replaced=False).values_list("key", flat=True))
    for document in spec.documents:
        if document.required and document.key not in given:
            problems[document.key] = _("Adjunte este documento.")
    if payment_state(case) == "due":
        problems["payment"] = _("Pague la tasa antes de presentar.")
    return problems


@transaction.atomic
def case_submit(*, user, case_id: int, submit_key: str, actor: Actor) -> Case:
    """File the draft: a case number, the legal term and the constancia; a second submit with the same key
    (a double click, a retried request) gives back the same case."""
    submit_key = (submit_key or "").strip()[:64]
    if not submit_key:
        raise ValidationFailed(_("Falta la clave de envío."), fields={"submit_key": _("Obligatorio.")})
    already = Case.objects.filter(submit_key=submit_key, applicant=user).first()
    if already is not None:
        return already
    case = _own_case(user, case_id, lock=True)
    if case.status != S.DRAFT:
        if case.submit_key:
            return case  # submitted a moment ago under another key (two tabs): one case all the same
        raise Conflict(_("El expediente ya fue presentado."), fields={"status": case.status})
    spec = spec_of(case.procedure)
    reason = reasons_against(spec, person=case.person, exclude_case_id=case.pk)
    if reason:
        raise PermissionDenied(reason, fields={"procedure": reason})
    problems = submission_problems(case)
    if problems:
        raise ValidationFailed(_("Complete lo que falta antes de presentar."), fields=problems)
    now = timezone.now()
    today = timezone.localtime(now).date()
    due_on = add_business_days(today, spec.term_business_days) if not spec.automatic else None
    try:
        with transaction.atomic():
            CASE.apply(case, "file", actor=actor, changes={
                "number": f"EXP-{today:%Y}-{case.pk:07d}", "filed_at": now, "due_on": due_on,
                "submit_key": submit_key, "applicant_active_at": now,
                "form_data": form_errors(spec, case.form_data, complete=True)[0]})
    except IntegrityError:
        # The same key won a race a moment ago (a double click on two connections): that filing is this one.
        existing = Case.objects.filter(submit_key=submit_key, applicant=user).first()
        if existing is None:
            raise Conflict(_("La clave de envío ya fue usada. Vuelva a la página y presente de nuevo."),
                           fields={"submit_key": _("Ya usada.")}) from None
        return existing
    enqueue_task(CONSTANCIA_TASK, kwargs={"case_id": case.pk}, queue="notifications")
    enqueue_task(START_TASK, kwargs={"case_id": case.pk})
    return case


# ---- after filing ---------------------------------------------------------------------------------

def observation_deadline(observation: Observation) -> dt.date | None:
    """The last day to answer: the term from the notice's legal notification, plus an extension granted."""
    from buzon.selectors import notice_dates

    if observation.notice is None:
        return None
    notified_on = notice_dates(observation.notice).notified_on
    if notified_on is None:
        return None
    deadline = deadline_after_notification(notified_on, observation.term_business_days)
    if observation.extension_days:
        from calendario.services import deadline_calendar_days

        deadline = deadline_calendar_days(deadline, observation.extension_days)
    return deadline


@transaction.atomic
def case_correct(*, user, case_id: int, answer: str, actor: Actor) -> Case:
    """Answer the observation (with the new files already given): the evaluation resumes, and the legal
    term is moved on by the business days the observation was pending (no silence clock runs meanwhile)."""
    case = _own_case(user, case_id, lock=True)
    CASE.refuse_unless(case, "correct")
    observation = _observation_open(case)
    answer = (answer or "").strip()
    if observation is None:
        raise Conflict(_("No hay una observación por responder."), fields={"answer": "none"})
    if not answer:
        raise ValidationFailed(_("Escriba su respuesta a la observación."), fields={"answer": _("Obligatorio.")})
    fresh = set(case.files.filter(replaced=False, uploaded_at__gt=observation.created_at).values_list("key", flat=True))
    missing = [key for key in observation.documents if key not in fresh]
    if missing:
        raise ValidationFailed(_("Adjunte de nuevo los documentos observados."),
                               fields={key: _("Adjunte el documento corregido.") for key in missing})
    now = timezone.now()
    observation.answer, observation.answered_at = answer[:4000], now
    observation.save(update_fields=["answer", "answered_at"])
    changes: dict[str, Any] = {"applicant_active_at": now}
    if case.due_on:
        paused = business_days_between(timezone.localtime(observation.created_at).date(), timezone.localdate())
        changes["due_on"] = add_business_days(case.due_on, paused) if paused else case.due_on
    return CASE.apply(case, "correct", actor=actor, changes=changes, reason=answer[:300])


@transaction.atomic
def case_extension_request(*, user, case_id: int, actor: Actor) -> Observation:
    """One extension of 30 days to answer the observation, where the procedure allows it."""
    case = _own_case(user, case_id, lock=True)
    spec = spec_of(case.procedure)
    if case.status != S.OBSERVED:
        raise Conflict(_("Solo se pide una prórroga mientras hay una observación por responder."),
                       fields={"status": case.status})
    if not spec.extension_allowed:
        raise Conflict(_("Este trámite no admite prórroga del plazo."), fields={"extension": "not_allowed"})
    observation = _observation_open(case)
    if observation is None or observation.extension_days:
        raise Conflict(_("Ya pidió la prórroga: se concede una sola vez."), fields={"extension": "used"})
    deadline = observation_deadline(observation)
    if deadline is not None and timezone.localdate() > deadline:
        raise Conflict(_("El plazo para responder ya venció."), fields={"extension": "late"})
    observation.extension_days, observation.extension_requested_at = EXTENSION_DAYS, timezone.now()
    observation.save(update_fields=["extension_days", "extension_requested_at"])
    Case.objects.filter(pk=case.pk).update(applicant_active_at=timezone.now())
    audit_record(actor=actor, action=AuditAction.CASE_EXTENSION, obj=case, person_id=case.person_id,
                 details={"days": EXTENSION_DAYS})
    return observation


def case_withdraw(*, user, case_id: int, reason: str, actor: Actor) -> Case:
    """The applicant withdraws (desistimiento): the case ends; a fee paid is not refunded by this step."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Indique por qué desiste del trámite."), fields={"reason": _("Obligatorio.")})
    _own_case(user, case_id)
    return CASE.transition(actor=actor, pk=case_id, name="withdraw", reason=reason[:300],
                           changes={"closed_reason": reason[:300]},
                           queryset=Case.objects.filter(applicant_id=user.pk))


def appeal_deadline(case: Case) -> dt.date | None:
    """The last day to file a reconsideración against the notified resolution (15 business days)."""
    if case.notified_on is None:
        return None
    return deadline_after_notification(case.notified_on, APPEAL_BUSINESS_DAYS)


def negative_silence_applies(case: Case, *, today: dt.date | None = None) -> bool:
    spec = spec_of(case.procedure)
    return (spec.silence == "NEGATIVE" and case.due_on is not None and case.status in (S.FILED, S.IN_EVALUATION, S.CORRECTED)
            and (today or timezone.localdate()) > case.due_on)


def case_appeal(*, user, case_id: int, text: str, actor: Actor) -> Case:
    """A reconsideración: against an adverse resolution within 15 business days of its notification, or
    when the term passed without one under negative silence. The case goes back to an officer."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Explique por qué pide que se reconsidere."), fields={"text": _("Obligatorio.")})
    from .deadlines import case_notification_sync

    case_notification_sync(case_id=case_id)
    case = _own_case(user, case_id)
    today = timezone.localdate()
    if case.status == S.NOTIFIED:
        if case.outcome not in (Case.Outcome.DENIED, Case.Outcome.INADMISSIBLE):
            raise Conflict(_("Solo se reconsidera una resolución desfavorable."), fields={"outcome": case.outcome})
        if today > appeal_deadline(case):
            raise Conflict(_("El plazo para pedir reconsideración venció el %(date)s.")
                           % {"date": f"{appeal_deadline(case):%d/%m/%Y}"}, fields={"text": "late"})
    elif not negative_silence_applies(case, today=today):
        raise Conflict(_("Este expediente no admite reconsideración ahora."), fields={"status": case.status})
    spec = spec_of(case.procedure)
    due_on = add_business_days(today, spec.term_business_days or 30)
    return CASE.transition(actor=actor, pk=case_id, name="appeal", reason=text[:300],
                           changes={"due_on": due_on, "applicant_active_at": timezone.now(), "outcome": "",
                                    "notified_on": None},
                           queryset=Case.objects.filter(applicant_id=user.pk))
