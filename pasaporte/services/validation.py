"""Background validation of an application: RENIEC, PNP, Interpol SLTD and the payment, each result kept."""
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _, gettext_noop

from integraciones import interpol, pnp, reniec
from integraciones.errors import IntegrationError, NotFound as RemoteNotFound, ServiceUnavailable
from integraciones.reniec.types import STATUS_ACTIVE
from core.actor import Actor
from core.errors import ExternalServiceUnavailable
from rim import services as rim_services
from rim.models import IdentityDocument

from pagos.selectors import payment_is_confirmed

from ..models import Application, CheckResult
from ..notes import join, note, parts_of
from .common import application_lock, application_transition, staff_check_office

S = Application.Status
R, O = CheckResult.Source, CheckResult.Outcome
VALIDATION_ACTOR = "sistema:validacion"
# Who may be validated: a re-run on any other state (already validated, cancelled...) does nothing.
VALIDATING = frozenset({S.BOOKED, S.VALIDATION_PENDING})


class ValidationDeferred(ExternalServiceUnavailable):
    """A source did not answer: the application waits (visibly pending) and the task retries."""


@dataclass
class _Findings:
    results: list[tuple[str, str, dict]] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)

    def add(self, source: str, outcome: str, detail: dict, *, reason: str = "") -> None:
        self.results.append((source, outcome, detail))
        if outcome == O.HIT:
            self.hits.append(reason)
        elif outcome == O.UNAVAILABLE:
            self.unavailable.append(source)


def _ask(findings: _Findings, source: str, call):
    """Run one external call; an outage is recorded, not raised, so every source gets asked."""
    try:
        return call()
    except ServiceUnavailable as exc:
        findings.add(source, O.UNAVAILABLE, {"reason": exc.reason})
    except RemoteNotFound:
        raise
    except IntegrationError as exc:  # malformed answers are an outage too: never a silent pass
        findings.add(source, O.UNAVAILABLE, {"reason": "malformed", "message": exc.message})
    return None


def _check_reniec(findings: _Findings, dni: str) -> reniec.Citizen | None:
    try:
        citizen = _ask(findings, R.RENIEC, lambda: reniec.get_client().lookup(dni, with_photo=False))
    except RemoteNotFound:
        findings.add(R.RENIEC, O.HIT, {"found": False}, reason=note(gettext_noop("RENIEC no registra el DNI.")))
        return None
    if citizen is None:
        return None
    detail = {"status": citizen.status, "name": citizen.full_name, "birth_date": citizen.birth_date.isoformat()}
    if citizen.status != STATUS_ACTIVE:
        findings.add(R.RENIEC, O.HIT, detail, reason=note(gettext_noop("RENIEC registra el DNI como %(s)s."),
                                                                  s=citizen.status))
    else:
        findings.add(R.RENIEC, O.CLEAR, detail)
    return citizen


def _check_pnp(findings: _Findings, dni: str) -> None:
    result = _ask(findings, R.PNP, lambda: pnp.get_client().check_person(dni))
    if result is None:
        return
    detail = {
        "requisitorias": [f"{r.number} {r.court}: {r.crime}" for r in result.requisitorias],
        "impedimentos": [f"{i.number} {i.authority}: {i.reason}" for i in result.impedimentos],
    }
    if result.clear:
        findings.add(R.PNP, O.CLEAR, detail)
    elif result.requisitorias:
        findings.add(R.PNP, O.HIT, detail, reason=note(gettext_noop("La PNP registra una requisitoria.")))
    else:
        findings.add(R.PNP, O.HIT, detail, reason=note(gettext_noop("La PNP registra un impedimento de salida.")))


def _check_interpol(findings: _Findings, previous: str) -> None:
    if not previous:
        findings.add(R.INTERPOL, O.CLEAR, {"previous_passport": None})
        return
    result = _ask(findings, R.INTERPOL, lambda: interpol.get_client().check_sltd(previous, "PER"))
    if result is None:
        return
    detail = {"previous_passport": previous, "hit": result.hit, "status": result.status}
    if result.hit:
        findings.add(R.INTERPOL, O.HIT, detail, reason=note(
            gettext_noop("Interpol SLTD: el pasaporte anterior %(n)s figura como %(s)s."), n=previous, s=result.status))
    else:
        findings.add(R.INTERPOL, O.CLEAR, detail)


def _check_payment(findings: _Findings, payment) -> None:
    detail = {"receipt_number": payment.receipt_number, "amount": str(payment.amount), "fee": payment.fee.code}
    if payment_is_confirmed(payment):
        findings.add(R.PAYMENT, O.CLEAR, detail)
    else:
        findings.add(R.PAYMENT, O.HIT, detail, reason=note(gettext_noop("El pago no está confirmado por el monto de la tasa.")))


def rim_person_for(application: Application, citizen: reniec.Citizen | None) -> tuple[int | None, str]:
    """The RIM person (created from RENIEC's record if new) and their passport in force, if any."""
    from rim.selectors import person_by_document

    person = person_by_document(number=application.dni, kind=IdentityDocument.Kind.DNI, issuing_state="PER")
    if person is None and citizen is not None:
        with transaction.atomic():
            person = rim_services.person_create(
                actor=VALIDATION_ACTOR, given_names=citizen.given_names, first_surname=citizen.first_surname,
                second_surname=citizen.second_surname, birth_date=citizen.birth_date, sex=citizen.sex,
                nationality="PER",
            )
            rim_services.document_add(actor=VALIDATION_ACTOR, person=person, kind=IdentityDocument.Kind.DNI,
                                      number=application.dni, issuing_state="PER", issue_date=citizen.issue_date)
    if person is None:
        return None, ""
    previous = (
        person.documents.filter(kind=IdentityDocument.Kind.PASAPORTE, status=IdentityDocument.Status.VIGENTE)
        .order_by("-issue_date", "-id").values_list("number", flat=True).first()
    )
    return person.pk, previous or ""


def application_validate(*, application_id: int) -> Application:
    """Ask every source; clear -> validated, a hit -> observed with the reason, an outage -> pending.

    The external calls run outside any lock; the outcome is applied under the row lock and only
    if the application is still waiting for validation, so a second run changes nothing.
    """
    application = Application.objects.select_related("payment__fee").get(pk=application_id)
    if application.status not in VALIDATING:
        return application
    findings = _Findings()
    citizen = _check_reniec(findings, application.dni)
    person_id, previous = rim_person_for(application, citizen)
    _check_pnp(findings, application.dni)
    _check_interpol(findings, previous)
    _check_payment(findings, application.payment)
    application = _apply(application_id, findings, person_id, previous)
    if application.status == S.VALIDATION_PENDING:
        # Raised after the commit, so the pending state and the results stay visible.
        raise ValidationDeferred(application.status_reason, fields={"sources": ", ".join(findings.unavailable)})
    return application


@transaction.atomic
def _apply(application_id: int, findings: _Findings, person_id: int | None, previous: str) -> Application:
    application = application_lock(application_id)
    if application.status not in VALIDATING:
        return application
    CheckResult.objects.bulk_create(
        [CheckResult(application=application, source=s, outcome=o, detail=d) for s, o, d in findings.results]
    )
    application.person_id, application.previous_passport = person_id, previous
    application.save(update_fields=["person_id", "previous_passport", "updated_at"])
    if findings.hits:
        return application_transition(actor=VALIDATION_ACTOR, application_id=application.pk, to=S.OBSERVED,
                                      reason=join(findings.hits))
    if findings.unavailable:
        reason = note(gettext_noop("Esperando respuesta de: %(s)s. Se reintentará automáticamente."),
                      s=", ".join(findings.unavailable))
        if application.status != S.VALIDATION_PENDING:
            return application_transition(actor=VALIDATION_ACTOR, application_id=application.pk,
                                          to=S.VALIDATION_PENDING, reason=reason)
        application.status_reason, application.status_reason_parts = reason[:300], parts_of(reason)
        application.save(update_fields=["status_reason", "status_reason_parts", "updated_at"])
        return application
    return application_transition(actor=VALIDATION_ACTOR, application_id=application.pk, to=S.VALIDATED,
                                  reason=note(gettext_noop("RENIEC, PNP, Interpol y pago conformes.")))


@transaction.atomic
def application_review(*, actor: Actor, application_id: int, approve: bool, reason: str) -> Application:
    """An officer resolves an observed application: continue (with the reason) or reject it."""
    from core.errors import ValidationFailed

    if not reason.strip():
        raise ValidationFailed(_("Indique el motivo de la decisión."), fields={"reason": _("Obligatorio.")})
    application = application_lock(application_id)
    staff_check_office(actor=actor, office_id=application.office_id)
    if application.biometric_enrollment_id:
        # Observed at enrollment: the decision is biometria's case ("continue" = the new enrollment goes in force).
        from .enrollment import application_case_decide

        return application_case_decide(actor=actor, application_id=application.pk, accept=approve, reason=reason)
    if not approve:
        return application_transition(actor=actor, application_id=application.pk, to=S.REJECTED, reason=reason)
    return application_transition(actor=actor, application_id=application.pk, to=S.VALIDATED, reason=reason)
