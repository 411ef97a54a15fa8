"""Counter enrollment through biometria: capture, 1:1 against RENIEC, 1:N de-duplication and its duplicate cases."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop

from auditoria.services import audit_record
from biometria import selectors as biometria_selectors
from biometria import services as biometria_services
from biometria.engine import MatchDecision
from biometria.models import DuplicateCase
from biometria.models import Enrollment as BiometricEnrollment
from citas import selectors as citas_selectors
from citas import services as citas_services
from integraciones import reniec
from integraciones.errors import IntegrationError
from core.actor import Actor
from core.errors import Conflict, ExternalServiceUnavailable, ValidationFailed
from outbox.services import enqueue_task

from .. import biometrics
from ..audit_actions import AuditAction
from ..models import Application, CheckResult
from ..notes import note
from .appointments import RECORD_KIND, SERVICE
from .common import application_lock, application_transition, staff_check_office
from .validation import rim_person_for

S = Application.Status
R, O = CheckResult.Source, CheckResult.Outcome
CaseStatus = DuplicateCase.Status
CaseKind = DuplicateCase.Kind


def _check_officer(actor: Actor, application: Application) -> None:
    """An officer enrolls only citizens of their own sede; staff without a sede are refused."""
    staff_check_office(actor=actor, office_id=application.office_id)


def _reniec_citizen(dni: str) -> reniec.Citizen:
    try:
        citizen = reniec.get_client().lookup(dni)
    except IntegrationError as exc:
        raise ExternalServiceUnavailable(_("RENIEC no responde: no se puede verificar el rostro. Reintente.")) from exc
    if not citizen.photo_jpeg:
        raise ValidationFailed(_("RENIEC no tiene foto para este DNI."), fields={"face": _("Sin foto en RENIEC.")})
    return citizen


def _person_id(application: Application, citizen: reniec.Citizen) -> int:
    """The applicant's RIM person: set by validation, else found by DNI or created from RENIEC's record."""
    if application.person_id:
        return application.person_id
    person_id, _previous = rim_person_for(application, citizen)
    if person_id is None:
        raise Conflict(_("No se encontró a la persona en el RIM."), fields={"dni": application.dni})
    return person_id


def enrollment_record(
    *, actor: Actor, application_id: int, face: bytes, fingers: dict[int, bytes], signature: bytes
) -> Application:
    """Capture at the counter and enroll in biometria; a face seen under another identity stops for a case."""
    application = Application.objects.get(pk=application_id)
    if application.status != S.VALIDATED:
        raise Conflict(_("Solo se enrola una solicitud validada."), fields={"status": application.status})
    _check_officer(actor, application)
    capture = biometrics.capture_counter(face=face, fingers=fingers, signature=signature)
    citizen = _reniec_citizen(application.dni)
    one_to_one = biometrics.reniec_match(capture.face, citizen.photo_jpeg)
    if not one_to_one.decision:
        with transaction.atomic():
            CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_1, outcome=O.HIT,
                                       detail=one_to_one.as_dict())
        raise ValidationFailed(
            _("El rostro capturado no coincide con la foto de RENIEC."),
            fields={"face": _("No coincide con RENIEC (puntaje %(s)s, umbral %(t)s).")
                    % {"s": one_to_one.score, "t": one_to_one.threshold}})
    person_id = _person_id(application, citizen)
    return _enroll(actor=actor, application_id=application_id, person_id=person_id, capture=capture,
                   one_to_one=one_to_one)


@transaction.atomic
def _enroll(*, actor: Actor, application_id: int, person_id: int, capture: biometrics.CounterCapture,
            one_to_one: MatchDecision) -> Application:
    application = application_lock(application_id)
    if application.status != S.VALIDATED or application.biometric_enrollment_id:
        raise Conflict(_("Esta solicitud ya fue enrolada."), fields={"status": application.status})
    # biometria stores the data encrypted and runs 1:N against everyone enrolled (any document).
    outcome = biometria_services.enrollment_create(
        actor=actor, person_id=person_id, document_kind=BiometricEnrollment.DocumentKind.PASAPORTE,
        face=capture.face, fingers=capture.fingers, signature_png=capture.signature_png,
    )
    application.person_id, application.biometric_enrollment = person_id, outcome.enrollment
    application.enrolled_at = timezone.now()
    application.save(update_fields=["person_id", "biometric_enrollment", "enrolled_at", "updated_at"])
    booked = citas_selectors.appointment_booked(record_kind=RECORD_KIND, record_id=application.pk, service=SERVICE)
    if booked is not None:
        citas_services.appointment_attend(actor=actor, appointment_id=booked.pk)
    CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_1, outcome=O.CLEAR,
                               detail=one_to_one.as_dict())
    case = outcome.duplicate_case
    audit_record(actor=actor, action=AuditAction.ENROLLMENT_RECORD, obj=application, person_id=person_id,
                 details={"biometric_enrollment": outcome.enrollment.pk, "duplicate_case": case.pk if case else None,
                          "fingers": [int(f.position) for f in capture.fingers]})
    if case is not None and case.kind == CaseKind.REPLACEMENT:
        # The person already has an enrollment in force (an earlier document): another officer approves.
        CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_N, outcome=O.CLEAR,
                                   detail={"gallery": "sin coincidencias", "replacement_case": case.pk})
        return application_transition(
            actor=actor, application_id=application.pk, to=S.OBSERVED,
            reason=note(gettext_noop("La persona ya tiene biometría vigente: otro servidor de la sede revisa el "
                                     "reemplazo (caso biométrico N.º %(case)s)."), case=case.pk),
        )
    if case is not None:
        CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_N, outcome=O.HIT, detail={
            "duplicate_case": case.pk, "matched_person_id": case.matched_enrollment.person_id,
            "face_score": case.face_score})
        return application_transition(
            actor=actor, application_id=application.pk, to=S.OBSERVED,
            reason=note(gettext_noop("Posible duplicado: el rostro coincide con otra identidad ya enrolada. "
                                     "Caso biométrico N.º %(case)s abierto; un servidor decide."), case=case.pk),
        )
    CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_N, outcome=O.CLEAR,
                               detail={"gallery": "sin coincidencias"})
    return enrollment_accept(actor=actor, application=application, reason=note(gettext_noop("Biometría registrada en ventanilla.")))


@transaction.atomic
def enrollment_accept(*, actor: Actor, application: Application, reason: str) -> Application:
    """Enrolled: personalization is queued once the transaction commits."""
    application = application_transition(actor=actor, application_id=application.pk, to=S.ENROLLED, reason=reason)
    enqueue_task("pasaporte.tasks.personalize_passport_task", queue="personalization",
                 kwargs={"application_id": application.pk})
    return application


def _case_or_conflict(application: Application) -> DuplicateCase:
    case = None
    if application.biometric_enrollment_id:
        case = biometria_selectors.duplicate_case_for_enrollment(enrollment_id=application.biometric_enrollment_id)
    if application.status != S.OBSERVED or case is None:
        raise Conflict(_("La solicitud no espera la decisión de un caso de posible duplicado."),
                       fields={"status": application.status})
    return case


@transaction.atomic
def application_duplicate_continue(*, actor: Actor, application_id: int) -> Application:
    """Apply biometria's decision to the observed application: accepted goes on, refused is rejected."""
    application = application_lock(application_id)
    staff_check_office(actor=actor, office_id=application.office_id)
    case = _case_or_conflict(application)
    if case.status == CaseStatus.OPEN:
        raise Conflict(_("El caso biométrico N.º %(case)s aún no fue decidido.") % {"case": case.pk},
                       fields={"duplicate_case": str(case.pk)})
    replacement = case.kind == CaseKind.REPLACEMENT
    if case.accepted:
        reason = (gettext_noop("Caso biométrico N.º %(case)s: reemplazo aprobado (%(why)s). Continúa el trámite.")
                  if replacement else
                  gettext_noop("Caso biométrico N.º %(case)s: personas distintas (%(why)s). Continúa el trámite."))
        return enrollment_accept(actor=actor, application=application,
                                 reason=note(reason, case=case.pk, why=case.reason))
    reason = (gettext_noop("Caso biométrico N.º %(case)s: el reemplazo de la biometría vigente fue rechazado "
                           "(%(why)s).")
              if replacement else
              gettext_noop("Caso biométrico N.º %(case)s: la misma persona ya está enrolada con otra identidad "
                           "(%(why)s)."))
    return application_transition(actor=actor, application_id=application.pk, to=S.REJECTED,
                                  reason=note(reason, case=case.pk, why=case.reason))


@transaction.atomic
def application_case_decide(*, actor: Actor, application_id: int, accept: bool, reason: str) -> Application:
    """Decide the open biometric case in biometria (accept: the new enrollment goes in force), then apply it."""
    application = application_lock(application_id)
    staff_check_office(actor=actor, office_id=application.office_id)
    case = _case_or_conflict(application)
    if case.status == CaseStatus.OPEN:
        biometria_services.case_decide(actor=actor, case_id=case.pk, accept=accept, reason=reason)
    # Decided meanwhile on biometria's page: that decision stands, whatever this form said.
    return application_duplicate_continue(actor=actor, application_id=application_id)


def application_duplicate_decide(*, actor: Actor, application_id: int, same_person: bool, reason: str) -> Application:
    """A duplicate case: the same person under another identity (rejected) or different persons (goes on)."""
    return application_case_decide(actor=actor, application_id=application_id, accept=not same_person, reason=reason)
