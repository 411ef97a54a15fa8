"""Delivery after a 1:1 face check, cancellation of the previous passport, uncollected and lost passports."""
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from migraciones.errors import Conflict, NotFound, ValidationFailed
from rim import services as rim_services
from rim.models import IdentityDocument
from rim.selectors import person_by_document

from .. import biometrics
from ..models import Application, CheckResult, Passport
from .common import application_lock, application_transition

S = Application.Status
UNCOLLECTED_AFTER = dt.timedelta(days=60)
LOSS_STATUSES = frozenset({IdentityDocument.Status.PERDIDO, IdentityDocument.Status.ROBADO})


def passport_deliver(*, actor: Any, application_id: int, face: bytes) -> Application:
    """Hand over the passport if the live face matches the enrolled one; the old passport is cancelled."""
    application = Application.objects.select_related("enrollment").get(pk=application_id)
    if application.status != S.READY:
        raise Conflict(_("El pasaporte no está listo para entrega."), fields={"status": application.status})
    enrolled = biometrics.encoding_from_bytes(biometrics.decrypt(application.enrollment.face_encoding))
    match = biometrics.compare_faces(biometrics.face_encoding(face), enrolled)
    if not match.same:
        with transaction.atomic():
            CheckResult.objects.create(application=application, source=CheckResult.Source.BIOMETRIC_1_1,
                                       outcome=CheckResult.Outcome.HIT,
                                       detail={"step": "entrega", "distance": match.distance})
        raise ValidationFailed(_("El rostro no coincide con el del titular: no se entrega el pasaporte."),
                               fields={"face": _("No coincide (distancia %(d)s).") % {"d": match.distance}})
    return _deliver(actor=actor, application_id=application_id, distance=match.distance)


@transaction.atomic
def _deliver(*, actor: Any, application_id: int, distance: float) -> Application:
    application = application_lock(application_id)
    passport = Passport.objects.select_for_update().get(application=application)
    CheckResult.objects.create(application=application, source=CheckResult.Source.BIOMETRIC_1_1,
                               outcome=CheckResult.Outcome.CLEAR, detail={"step": "entrega", "distance": distance})
    previous = IdentityDocument.objects.filter(
        person_id=application.person_id, kind=IdentityDocument.Kind.PASAPORTE, status=IdentityDocument.Status.VIGENTE,
    ).exclude(pk=passport.rim_document_id)
    for document in previous:
        rim_services.document_set_status(
            actor=actor, document=document, status=IdentityDocument.Status.CANCELADO,
            reason=_("Reemplazado por el pasaporte N.º %(n)s") % {"n": passport.number},
        )
    passport.status = Passport.Status.DELIVERED
    passport.save(update_fields=["status"])
    application.delivered_at = timezone.now()
    application.save(update_fields=["delivered_at", "updated_at"])
    return application_transition(actor=actor, application_id=application.pk, to=S.DELIVERED,
                                  reason=_("Entregado tras verificación biométrica 1:1."))


@transaction.atomic
def passport_expire_uncollected(*, application_id: int) -> Application:
    """A passport not collected in time is cancelled, in the RIM too."""
    application = application_lock(application_id)
    passport = Passport.objects.select_for_update().get(application=application)
    if passport.rim_document_id:
        document = IdentityDocument.objects.get(pk=passport.rim_document_id)
        if document.status == IdentityDocument.Status.VIGENTE:
            rim_services.document_set_status(actor="sistema:no_recogidos", document=document,
                                             status=IdentityDocument.Status.CANCELADO,
                                             reason=_("No recogido en 60 días"))
    passport.status = Passport.Status.CANCELLED
    passport.save(update_fields=["status"])
    return application_transition(actor="sistema:no_recogidos", application_id=application.pk, to=S.EXPIRED,
                                  reason=_("No se recogió en 60 días: pasaporte cancelado."))


def passports_expire_uncollected(*, now: dt.datetime | None = None) -> int:
    """Periodic: every passport ready for more than 60 days is cancelled."""
    cutoff = (now or timezone.now()) - UNCOLLECTED_AFTER
    ids = list(Application.objects.filter(status=S.READY, ready_at__lt=cutoff).values_list("pk", flat=True))
    for application_id in ids:
        passport_expire_uncollected(application_id=application_id)
    return len(ids)


@transaction.atomic
def passport_report_loss(*, actor: Any, document_id: int, status: str, reason: str) -> IdentityDocument:
    """The holder reports their passport lost or stolen: it is cancelled in the RIM at once."""
    if status not in LOSS_STATUSES:
        raise ValidationFailed(_("Indique si fue perdido o robado."), fields={"status": _("PERDIDO o ROBADO.")})
    person = person_by_document(number=getattr(actor, "dni", "") or "", kind=IdentityDocument.Kind.DNI,
                                issuing_state="PER") if getattr(actor, "dni", None) else None
    document = IdentityDocument.objects.filter(
        pk=document_id, kind=IdentityDocument.Kind.PASAPORTE, person_id=getattr(person, "pk", None)).first()
    if document is None:
        raise NotFound(_("No tiene un pasaporte con ese número."), fields={"document": _("No encontrado.")})
    document = rim_services.document_set_status(actor=actor, document=document, status=status,
                                                reason=reason.strip() or _("Denuncia del titular"))
    Passport.objects.filter(number=document.number).update(status=Passport.Status.CANCELLED)
    audit_record(actor=actor, action="pasaporte.report_loss", obj=document, person_id=document.person_id,
                 details={"status": status})
    return document
