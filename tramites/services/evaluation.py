"""Evaluating a case: background checks, the automatic decision, and the officers' acts (take, observe, resolve)."""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _, gettext_noop

from auditoria.services import audit_record
from core.actor import Actor
from core.errors import Conflict, PermissionDenied, ValidationFailed
from cuentas.scoping import staff_check_office
from integraciones.errors import IntegrationError
from integraciones.interpol import client as interpol_client
from integraciones.pnp import client as pnp_client
from rim import selectors as rim_selectors
from rim.models import Alert

from .. import acts
from ..audit_actions import AuditAction
from ..catalogue import spec_of
from ..eligibility import reasons_against
from ..models import Case, CaseAct, Observation
from ..results import HANDLERS
from ..workflows import CASE
from .applicant import payment_state

S = Case.Status
O = Case.Outcome
CHECK_PENDING, CHECK_CLEAR, CHECK_HIT = "PENDING", "CLEAR", "HIT"
OTHER_OFFICE = gettext_noop("El expediente es de otra sede.")
OBSERVATION_TERMS = (2, 5, 10)


def _lock(case_id: int) -> Case:
    return CASE.lock(case_id, queryset=Case.objects.select_related("procedure", "person", "office", "applicant"),
                     not_found=_("El expediente no existe."))


# ---- background checks ----------------------------------------------------------------------------

def _check_one(source: str, case: Case) -> dict[str, Any]:
    """One source's answer about the person: CLEAR, HIT (with a count, never the record itself), or
    PENDING when the source does not answer (the case then waits: it is never decided without it)."""
    person = case.person
    name = f"{person.given_names} {person.surnames}"
    try:
        if source == "PNP":
            result = pnp_client.get_client().check_person(names=name, birth_date=person.birth_date)
            hits = len(result.requisitorias) + len(result.impedimentos)
        elif source == "INTERPOL":
            hits = len(interpol_client.get_client().search_notices(name, person.birth_date))
        else:  # JUDICIAL: court orders the RIM holds (the Poder Judicial's alerts on the person)
            alerts = set(alert.pk for alert in Alert.objects.filter(person=person))
            for document in person.documents.all():
                alerts.update(a.pk for a in rim_selectors.active_alerts_for(
                    document_number=document.number, issuing_state=document.issuing_state))
            alerts.update(a.pk for a in rim_selectors.active_alerts_for(search_name=person.search_name,
                                                                        birth_date=person.birth_date))
            hits = (rim_selectors.alerts_in_force().filter(pk__in=alerts, source=Alert.Source.JUDICIAL).count()
                    if alerts else 0)
    except IntegrationError:
        return {"status": CHECK_PENDING, "at": timezone.now().isoformat()}
    return {"status": CHECK_HIT if hits else CHECK_CLEAR, "hits": hits, "at": timezone.now().isoformat()}


def checks_state(case: Case) -> str:
    """"none", "pending", "clear" or "hit" over the procedure's checks."""
    spec = spec_of(case.procedure)
    if not spec.checks:
        return "none"
    statuses = [case.checks.get(source, {}).get("status", CHECK_PENDING) for source in spec.checks]
    if CHECK_HIT in statuses:
        return "hit"
    return "pending" if CHECK_PENDING in statuses else "clear"


def case_checks_run(*, case_id: int, actor: Actor = "system:tramites") -> str:
    """Ask every source the procedure names that has not answered yet; keep what each said."""
    case = Case.objects.select_related("procedure", "person").get(pk=case_id)
    spec = spec_of(case.procedure)
    answers = {source: _check_one(source, case) for source in spec.checks
               if case.checks.get(source, {}).get("status") in (None, CHECK_PENDING)}
    if not answers:
        return checks_state(case)
    with transaction.atomic():
        case = _lock(case_id)
        case.checks = {**case.checks, **answers}
        case.checks_pending = checks_state(case) == "pending"
        case.save(update_fields=["checks", "checks_pending", "updated_at"])
        audit_record(actor=actor, action=AuditAction.CASE_CHECKS, obj=case, person_id=case.person_id,
                     details={source: answer["status"] for source, answer in answers.items()})
    return checks_state(case)


# ---- starting and the automatic decision --------------------------------------------------------

def case_start(*, case_id: int, actor: Actor = "system:tramites") -> str:
    """After filing (and whenever the payment is confirmed later): run the checks; an automatic procedure
    whose fee is paid is then decided. Idempotent: a case already past FILED is left alone."""
    case = Case.objects.select_related("procedure").get(pk=case_id)
    if case.status != S.FILED:
        return case.status
    state = case_checks_run(case_id=case_id, actor=actor)
    if not spec_of(case.procedure).automatic:
        return "waiting_officer"
    if payment_state(case) not in ("paid", "free"):
        return "waiting_payment"
    if state == "pending":
        return "checks_pending"
    return case_decide_automatic(case_id=case_id, actor=actor)


@transaction.atomic
def case_decide_automatic(*, case_id: int, actor: Actor = "system:tramites") -> str:
    case = _lock(case_id)
    if case.status != S.FILED:
        return case.status
    spec = spec_of(case.procedure)
    reason = reasons_against(spec, person=case.person, exclude_case_id=case.pk)
    if reason is None and checks_state(case) == "hit":
        reason = _("Las consultas de antecedentes no permiten aprobarlo automáticamente.")
    if reason:
        _resolve(case, outcome=O.INADMISSIBLE, text=reason, actor=actor)
        return O.INADMISSIBLE
    _resolve(case, outcome=O.APPROVED, text="", actor=actor)
    return O.APPROVED


# ---- the officer's acts ---------------------------------------------------------------------------

def _officer_lock(actor: Actor, case_id: int) -> Case:
    case = _lock(case_id)
    staff_check_office(actor=actor, office_id=case.office_id, other_office=_(OTHER_OFFICE))
    return case


@transaction.atomic
def case_take(*, actor: Actor, case_id: int) -> Case:
    """An officer takes a filed case (or one corrected) for evaluation: it is assigned to them."""
    case = _officer_lock(actor, case_id)
    if case.status == S.FILED:
        return CASE.apply(case, "evaluate", actor=actor, changes={"assigned_to": actor})
    if case.status == S.CORRECTED:
        return CASE.apply(case, "resume", actor=actor, changes={"assigned_to": actor})
    if case.status in (S.IN_EVALUATION, S.APPEALED):
        case.assigned_to = actor
        case.save(update_fields=["assigned_to", "updated_at"])
        audit_record(actor=actor, action=AuditAction.CASE_ASSIGN, obj=case, person_id=case.person_id)
        return case
    CASE.refuse_unless(case, "evaluate")
    return case


@transaction.atomic
def case_assign(*, actor: Actor, case_id: int, officer_id: int) -> Case:
    """A supervisor gives an open case to an officer of the same sede."""
    from cuentas import roles
    from cuentas.selectors import staff_member_of_office

    if not (isinstance(actor, str) or actor.has_role(roles.SUPERVISOR)):
        raise PermissionDenied(_("Solo un supervisor asigna expedientes."), fields={"actor": _("Sin permiso.")})
    case = _officer_lock(actor, case_id)
    if case.status not in (S.FILED, S.IN_EVALUATION, S.CORRECTED, S.APPEALED):
        raise Conflict(_("Este expediente ya no se evalúa."), fields={"status": case.status})
    officer = staff_member_of_office(office=case.office, user_id=officer_id)
    if officer is None:
        raise ValidationFailed(_("Elija un servidor de la sede."), fields={"officer": _("No es de la sede.")})
    case.assigned_to = officer
    case.save(update_fields=["assigned_to", "updated_at"])
    audit_record(actor=actor, action=AuditAction.CASE_ASSIGN, obj=case, person_id=case.person_id,
                 details={"officer": officer.pk})
    return case


@transaction.atomic
def case_observe(*, actor: Actor, case_id: int, text: str, documents: list[str], term_business_days: int,
                 kind: str = Observation.Kind.FORMAL) -> Observation:
    """The one consolidated observation (art. 136): everything to correct, in one act, with its deadline
    in business days from its notification, deposited in the applicant's buzón."""
    case = _officer_lock(actor, case_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Escriba la observación."), fields={"text": _("Obligatorio.")})
    if int(term_business_days) not in OBSERVATION_TERMS:
        raise ValidationFailed(_("El plazo es de 2, 5 o 10 días hábiles."), fields={"term_business_days": str(term_business_days)})
    if kind not in Observation.Kind.values:
        raise ValidationFailed(_("Elija el tipo de observación."), fields={"kind": kind})
    spec = spec_of(case.procedure)
    unknown = [key for key in documents if spec.document(key) is None]
    if unknown:
        raise ValidationFailed(_("Ese documento no es de este trámite."), fields={"documents": ", ".join(unknown)})
    if case.observations.exists():
        raise Conflict(_("Este expediente ya fue observado: las observaciones se hacen una sola vez."),
                       fields={"text": "already_observed"})
    CASE.apply(case, "observe", actor=actor, reason=text[:300], changes={"assigned_to": actor})
    observation = Observation.objects.create(case=case, kind=kind, text=text[:4000], documents=list(documents),
                                             term_business_days=int(term_business_days), created_by=str(actor))
    observation.notice = acts.case_notice(
        case=case, actor=actor, deadline_business_days=int(term_business_days),
        title=acts.bilingual(gettext_noop("Observación a su expediente %(number)s"), {"number": case.number}),
        body=_bilingual_observation(case, observation))
    observation.save(update_fields=["notice"])
    return observation


def _bilingual_observation(case: Case, observation: Observation) -> tuple[str, str]:
    spec = spec_of(case.procedure)
    texts = []
    for language in ("es", "en"):
        with translation.override(language):
            docs = ", ".join(spec.document(key).label for key in observation.documents)
            body = _("Su expediente %(number)s (%(procedure)s) tiene una observación:\n\n%(text)s\n\n"
                     "Tiene %(days)s días hábiles desde esta notificación para responder.") % {
                "number": case.number, "procedure": spec.name, "text": observation.text,
                "days": observation.term_business_days}
            if docs:
                body += "\n" + _("Documentos que debe presentar de nuevo: %(docs)s.") % {"docs": docs}
            texts.append(body)
    return texts[0], texts[1]


def _outcome_transition(outcome: str) -> str:
    return {O.APPROVED: "approve", O.APPROVED_BY_SILENCE: "approve_by_silence", O.DENIED: "deny",
            O.INADMISSIBLE: "declare_inadmissible"}[outcome]


def case_resolve(*, actor: Actor, case_id: int, outcome: str, text: str) -> Case:
    """An officer's resolution. Where the procedure asks for a second officer, this only drafts it and
    `case_resolution_confirm` by another officer issues it. Approving needs every check answered and clear."""
    if outcome not in (O.APPROVED, O.DENIED, O.INADMISSIBLE):
        raise ValidationFailed(_("Elija el sentido de la resolución."), fields={"outcome": _("Elija una opción.")})
    text = (text or "").strip()
    if outcome != O.APPROVED and not text:
        raise ValidationFailed(_("Escriba los fundamentos de la resolución."), fields={"text": _("Obligatorio.")})
    with transaction.atomic():
        case = _officer_lock(actor, case_id)
        CASE.refuse_unless(case, _outcome_transition(outcome))
        _approval_check(case, outcome)
        if spec_of(case.procedure).second_approval:
            case.draft_outcome, case.resolution_text, case.resolved_by = outcome, text[:4000], actor
            case.save(update_fields=["draft_outcome", "resolution_text", "resolved_by", "updated_at"])
            audit_record(actor=actor, action=AuditAction.CASE_RESOLUTION_DRAFT, obj=case, person_id=case.person_id,
                         details={"outcome": outcome})
            return case
        case.resolved_by = actor
        return _resolve(case, outcome=outcome, text=text, actor=actor)


def _approval_check(case: Case, outcome: str) -> None:
    if outcome != O.APPROVED:
        return
    state = checks_state(case)
    if state == "pending":
        raise Conflict(_("Consulta pendiente: no se puede aprobar sin la respuesta de todas las consultas."),
                       fields={"checks": "pending"})
    if state == "hit":
        raise Conflict(_("Las consultas muestran antecedentes: no se puede aprobar."), fields={"checks": "hit"})


@transaction.atomic
def case_resolution_confirm(*, actor: Actor, case_id: int) -> Case:
    """The second officer issues the resolution another officer drafted (never their own draft)."""
    case = _officer_lock(actor, case_id)
    if not case.draft_outcome:
        raise Conflict(_("No hay una resolución por aprobar."), fields={"outcome": "none"})
    if case.resolved_by_id == getattr(actor, "pk", None):
        raise Conflict(_("La aprueba otro servidor: usted redactó esta resolución."), fields={"approved_by": "same"})
    _approval_check(case, case.draft_outcome)
    case.approved_by = actor
    return _resolve(case, outcome=case.draft_outcome, text=case.resolution_text, actor=actor)


# ---- the resolution and its effects ------------------------------------------------------------

def _resolve(case: Case, *, outcome: str, text: str, actor: Actor) -> Case:
    """Inside the caller's transaction, the case locked: resolve, issue the act and notify it; an approval
    takes effect at once (art. 16.2 TUO 27444: a favourable act is effective from its issue)."""
    spec = spec_of(case.procedure)
    now = timezone.now()
    CASE.apply(case, _outcome_transition(outcome), actor=actor, reason=(text or outcome)[:300], changes={
        "outcome": outcome, "resolution_text": text[:4000], "resolved_at": now, "draft_outcome": "",
        "resolved_by": case.resolved_by, "approved_by": case.approved_by})
    effect = None
    if outcome in (O.APPROVED, O.APPROVED_BY_SILENCE):
        effect_holder = {}

        def work(c: Case) -> None:
            with translation.override("es"):
                effect_holder["effect"] = HANDLERS[spec.result](case=c, spec=spec, actor=actor)

        # The RIM's writes (audited there) happen in `work`, in this transition's transaction.
        CASE.apply(case, "apply_effects", actor=actor, changes={"effects_applied_at": now}, work=work,
                   details={"result": spec.result})
        effect = effect_holder["effect"]
    attachment = _acts_issue(case, outcome=outcome, text=text, effect=effect, actor=actor)
    title, body = _resolution_message(case, outcome=outcome, effect=effect)
    notice = acts.case_notice(case=case, title=title, body=body, attachment=attachment, actor=actor)
    CaseAct.objects.filter(case=case, document=attachment).update(notice=notice)
    return case


def _acts_issue(case: Case, *, outcome: str, text: str, effect, actor: Actor):
    """The documents of the decision: the resolution (prior evaluation), and what the effect issues
    (a permit, the certificate). The first one the applicant needs is attached to the notice."""
    spec = spec_of(case.procedure)
    attached = None
    with translation.override("es"):
        if not spec.automatic or outcome not in (O.APPROVED, O.APPROVED_BY_SILENCE):
            rows = [(_("Expediente"), case.number), (_("Trámite"), spec.name_es),
                    (_("Solicitante"), case.person.full_name),
                    (_("Presentado el"), f"{timezone.localtime(case.filed_at):%d/%m/%Y}")]
            paragraphs = [p for p in (text, effect.summary if effect else "") if p]
            if outcome in (O.DENIED, O.INADMISSIBLE):
                paragraphs.append(_("Puede pedir reconsideración dentro de los 15 días hábiles siguientes a la "
                                    "notificación de esta resolución."))
            act = acts.act_issue(case=case, kind=CaseAct.Kind.RESOLUCION, title=_("Resolución"), rows=rows,
                                 outcome=Case.Outcome(outcome).label.capitalize(), paragraphs=paragraphs, actor=actor)
            attached = act.document
        for document in (effect.documents if effect else []):
            facts = {"valid_until": document["valid_until"].isoformat()}
            if document["kind"] == "PERMISO":
                facts["document_type"] = str(document["document_type"])
            else:
                facts["period"] = document["period"]
            act = acts.act_issue(case=case, kind=document["kind"], title=document["title"], rows=document["rows"],
                                 table=document.get("table"), facts=facts, actor=actor)
            attached = attached or act.document
    return attached


def _resolution_message(case: Case, *, outcome: str, effect) -> tuple[tuple[str, str], tuple[str, str]]:
    spec = spec_of(case.procedure)
    titles, bodies = [], []
    for language in ("es", "en"):
        with translation.override(language):
            values = {"number": case.number, "procedure": spec.name, "outcome": Case.Outcome(outcome).label}
            titles.append(_("Resolución de su expediente %(number)s") % values)
            body = _("Su expediente %(number)s (%(procedure)s) fue resuelto: %(outcome)s.") % values
            if effect is not None:
                # The effect's words were written in Spanish (the handler runs under Spanish).
                body += " " + (effect.summary if language == "es" else _("El documento adjunto tiene el detalle."))
            if outcome in (O.DENIED, O.INADMISSIBLE):
                body += " " + _("Puede pedir reconsideración dentro de los 15 días hábiles siguientes a la notificación.")
            bodies.append(body)
    return (titles[0], titles[1]), (bodies[0], bodies[1])
