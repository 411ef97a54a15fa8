"""Delivery after a 1:1 face or fingerprint check, cancellation of the previous passport, uncollected and lost passports."""
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop

from auditoria.services import audit_record
from biometria import services as biometria_services
from biometria.engine import MatchDecision
from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from rim import services as rim_services
from rim.models import IdentityDocument
from rim.selectors import person_by_document

from .. import biometrics
from ..audit_actions import AuditAction
from ..models import Application, CheckResult, Passport
from ..notes import note
from ..workflows import PASSPORT
from .common import OPEN_STATUSES, application_lock, application_transition, staff_check_office
from .steps import Step, step_notify, step_record

S = Application.Status
UNCOLLECTED_AFTER = dt.timedelta(days=60)
LOSS_STATUSES = frozenset({IdentityDocument.Status.PERDIDO, IdentityDocument.Status.ROBADO})


def passport_deliver(*, actor: Actor, application_id: int, face: bytes | None = None, finger: bytes | None = None,
                     finger_position: int | None = None) -> Application:
    """Hand over the passport after a 1:1 check of the holder (face, or a fingerprint); the old one is cancelled."""
    application = Application.objects.select_related("biometric_enrollment").get(pk=application_id)
    staff_check_office(actor=actor, office_id=application.office_id)
    if application.status != S.READY:
        raise Conflict(_("El pasaporte no está listo para entrega."), fields={"status": application.status})
    if (face is None) == (finger is None):
        raise ValidationFailed(_("Verifique al titular con su rostro o con una huella."),
                               fields={"face": _("Rostro o huella, uno de los dos.")})
    if face is not None:
        check = _face_check(actor, application, face)
    else:
        check = _finger_check(actor, application, finger or b"", finger_position)
    measure = check.pop("measure")  # for the officer's message; the stored detail keeps the numbers
    if not check["same"]:
        with transaction.atomic():
            CheckResult.objects.create(application=application, source=CheckResult.Source.BIOMETRIC_1_1,
                                       outcome=CheckResult.Outcome.HIT, detail={"step": "entrega", **check})
        field = "face" if face is not None else "finger"
        raise ValidationFailed(_("La biometría no coincide con la del titular: no se entrega el pasaporte."),
                               fields={field: _("No coincide (%(detail)s).") % {"detail": measure}})
    return _deliver(actor=actor, application_id=application_id, check=check)


def _measure(decision: MatchDecision) -> str:
    return _("puntaje %(s)s, umbral %(t)s") % {"s": decision.score, "t": decision.threshold}


def _face_check(actor: Actor, application: Application, face: bytes) -> dict:
    """biometria's 1:1 of the live face against the application's own enrollment: the face in the chip.

    Never the person's *current* enrollment, which a later capture may have replaced.
    """
    decision = biometria_services.face_verify_enrollment(
        actor=actor, enrollment_id=application.biometric_enrollment_id, encoding=biometrics.live_face_encoding(face),
        purpose=biometrics.PURPOSE_DELIVERY)
    return {"modality": "face", "same": decision.decision, "score": decision.score,
            "threshold": decision.threshold, "measure": _measure(decision)}


def _finger_check(actor: Actor, application: Application, finger: bytes, position: int | None) -> dict:
    """biometria's 1:1 of a live fingerprint against the same finger enrolled."""
    if position not in biometrics.enrolled_positions(application.biometric_enrollment):
        raise ValidationFailed(_("Ese dedo no fue registrado en el enrolamiento."),
                               fields={"finger_position": _("Elija un dedo enrolado.")})
    decision = biometria_services.finger_verify_enrollment(
        actor=actor, enrollment_id=application.biometric_enrollment_id,
        finger=biometrics.live_finger(finger, position=position), purpose=biometrics.PURPOSE_DELIVERY)
    return {"modality": "finger", "position": position, "same": decision.decision, "score": decision.score,
            "threshold": decision.threshold, "measure": _measure(decision)}


@transaction.atomic
def _deliver(*, actor: Actor, application_id: int, check: dict) -> Application:
    application = application_lock(application_id)
    if application.status != S.READY:  # two officers at once: the first one delivered it
        raise Conflict(_("El pasaporte no está listo para entrega."), fields={"status": application.status})
    passport = PASSPORT.lock(application.passport.pk)
    CheckResult.objects.create(application=application, source=CheckResult.Source.BIOMETRIC_1_1,
                               outcome=CheckResult.Outcome.CLEAR, detail={"step": "entrega", **check})
    previous = IdentityDocument.objects.filter(
        person_id=application.person_id, kind=IdentityDocument.Kind.PASAPORTE, status=IdentityDocument.Status.VIGENTE,
    ).exclude(pk=passport.rim_document_id)
    replaced = _("Reemplazado por el pasaporte N.º %(n)s") % {"n": passport.number}
    for document in previous:
        rim_services.document_set_status(actor=actor, document=document, status=IdentityDocument.Status.CANCELADO,
                                         reason=replaced)
        _passport_cancel(actor=actor, number=document.number, transition="cancel_replaced", reason=replaced)
    PASSPORT.apply(passport, "deliver", actor=actor, details={"modality": check["modality"]})
    application.delivered_at = timezone.now()
    application.save(update_fields=["delivered_at", "updated_at"])
    return application_transition(actor=actor, application_id=application.pk, to=S.DELIVERED,
                                  reason=note(gettext_noop("Entregado tras verificación biométrica 1:1 (%(modality)s)."),
                                              modality=note(gettext_noop("rostro") if check["modality"] == "face"
                                                            else gettext_noop("huella"))))


@transaction.atomic
def passport_expire_uncollected(*, application_id: int) -> Application:
    """A passport not collected in time is cancelled, in the RIM too."""
    application = application_lock(application_id)
    passport = PASSPORT.lock(application.passport.pk)
    if passport.rim_document_id:
        document = IdentityDocument.objects.get(pk=passport.rim_document_id)
        if document.status == IdentityDocument.Status.VIGENTE:
            rim_services.document_set_status(actor="sistema:no_recogidos", document=document,
                                             status=IdentityDocument.Status.CANCELADO,
                                             reason=_("No recogido en 60 días"))
    if passport.status != Passport.Status.CANCELLED:  # reported lost before it was collected: cancelled already
        PASSPORT.apply(passport, "cancel_uncollected", actor="sistema:no_recogidos", reason=_("No recogido en 60 días"))
    return application_transition(actor="sistema:no_recogidos", application_id=application.pk, to=S.EXPIRED,
                                  reason=note(gettext_noop("No se recogió en 60 días: pasaporte cancelado.")))


def passports_expire_uncollected(*, now: dt.datetime | None = None) -> int:
    """Periodic: every passport ready for more than 60 days is cancelled."""
    cutoff = (now or timezone.now()) - UNCOLLECTED_AFTER
    ids = list(Application.objects.filter(status=S.READY, ready_at__lt=cutoff).values_list("pk", flat=True))
    for application_id in ids:
        passport_expire_uncollected(application_id=application_id)
    return len(ids)


@transaction.atomic
def passport_report_loss(*, actor: Actor, document_id: int, status: str, reason: str) -> IdentityDocument:
    """The holder reports their passport lost or stolen, with what happened: it is cancelled in the RIM at
    once, the step is in their application's timeline and a notice (casilla or e-mail) confirms it."""
    errors = {}
    if status not in LOSS_STATUSES:
        errors["status"] = _("Elija si lo perdió o se lo robaron.")
    if not (reason or "").strip():
        errors["reason"] = _("Escriba qué pasó con su pasaporte.")
    if errors:
        raise ValidationFailed(_("Faltan datos para anular el pasaporte."), fields=errors)
    reason = reason.strip()
    person = person_by_document(number=getattr(actor, "dni", "") or "", kind=IdentityDocument.Kind.DNI,
                                issuing_state="PER") if getattr(actor, "dni", None) else None
    document = IdentityDocument.objects.filter(
        pk=document_id, kind=IdentityDocument.Kind.PASAPORTE, person_id=getattr(person, "pk", None)).first()
    if document is None:
        raise NotFound(_("No tiene un pasaporte con ese número."), fields={"document": _("No encontrado.")})
    if document.status not in (IdentityDocument.Status.VIGENTE, IdentityDocument.Status.PERDIDO) \
            or document.status == status:  # a lost one may later be reported stolen
        raise Conflict(_("El pasaporte N.º %(n)s ya no está vigente: no hay nada que anular.") % {"n": document.number},
                       fields={"document": document.status})
    document = rim_services.document_set_status(actor=actor, document=document, status=status, reason=reason)
    stolen = status == IdentityDocument.Status.ROBADO
    _passport_cancel(actor=actor, number=document.number, reason=reason,
                     transition="cancel_stolen" if stolen else "cancel_lost")
    audit_record(actor=actor, action=AuditAction.REPORT_LOSS, obj=document, person_id=document.person_id,
                 details={"status": status})
    _loss_step(actor=actor, document=document, stolen=stolen, reason=reason)
    return document


def _loss_step(*, actor: Actor, document: IdentityDocument, stolen: bool, reason: str) -> None:
    """The timeline row (on the application in progress, else the latest) and the holder's notice."""
    mine = Application.objects.filter(user_id=actor.pk)
    application = mine.filter(status__in=OPEN_STATUSES).first() or mine.first()
    number = document.number
    if application is not None:
        step_record(application=application, step=Step.PASSPORT_STOLEN if stolen else Step.PASSPORT_LOST, actor=actor,
                    note=note(gettext_noop("Pasaporte N.º %(n)s anulado. Motivo: %(reason)s"), n=number, reason=reason))

    def text() -> tuple[str, str]:
        what = _("robo") if stolen else _("pérdida")
        return (_("MIGRACIONES · Su pasaporte N.º %(n)s fue anulado") % {"n": number},
                _("Por su reporte de %(what)s, el pasaporte N.º %(n)s quedó anulado en el Registro de Información "
                  "Migratoria y ya no sirve para viajar, aunque lo recupere. Motivo: %(reason)s. Para obtener uno "
                  "nuevo, pague la tasa y reserve una cita en el portal.") % {"what": what, "n": number,
                                                                               "reason": reason})

    step_notify(user=actor, application=application, record_id=document.pk, text=text, actor=actor)


def passport_collect_until(application: Application) -> dt.date | None:
    """The last day a ready passport can be collected (after it, passports_expire_uncollected cancels it)."""
    if application.ready_at is None:
        return None
    return timezone.localtime(application.ready_at + UNCOLLECTED_AFTER).date()


def _passport_cancel(*, actor: Actor, number: str, transition: str, reason: str) -> None:
    """Cancel the portal's own passport row of a RIM document just cancelled, if it issued one (older
    passports are only in the RIM) and it is not cancelled already (a lost one later reported stolen)."""
    passport = Passport.objects.select_for_update().filter(number=number).first()
    if passport is not None and passport.status != Passport.Status.CANCELLED:
        PASSPORT.apply(passport, transition, actor=actor, reason=reason)
