"""Counter enrollment: face, fingers and signature; 1:1 against RENIEC's photo, 1:N against everyone enrolled."""
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from integraciones import reniec
from integraciones.errors import IntegrationError
from migraciones.errors import Conflict, ExternalServiceUnavailable, PermissionDenied, ValidationFailed

from .. import biometrics
from ..models import Application, Appointment, CheckResult, DuplicateCase, Enrollment, EnrollmentFinger
from .common import application_lock, application_transition

S = Application.Status
R, O = CheckResult.Source, CheckResult.Outcome


def _check_officer(actor: Any, application: Application) -> None:
    """An officer enrolls only citizens of their own sede (when they have one)."""
    office_id = getattr(actor, "office_id", None)
    if office_id and application.office_id and office_id != application.office_id:
        raise PermissionDenied(_("La cita es en otra sede."), fields={"office": _("Otra sede.")})


def _reniec_face(dni: str) -> np.ndarray:
    try:
        citizen = reniec.get_client().lookup(dni)
    except IntegrationError as exc:
        raise ExternalServiceUnavailable(_("RENIEC no responde: no se puede verificar el rostro. Reintente.")) from exc
    if not citizen.photo_jpeg:
        raise ValidationFailed(_("RENIEC no tiene foto para este DNI."), fields={"face": _("Sin foto en RENIEC.")})
    return biometrics.face_encoding(citizen.photo_jpeg, field="reniec_photo")


def _gallery(exclude_dni: str) -> tuple[list[int], np.ndarray]:
    """Every other person's enrolled face (decrypted in memory only)."""
    rows = Enrollment.objects.exclude(application__dni=exclude_dni).values_list("application_id", "face_encoding")
    ids = [row[0] for row in rows]
    if not ids:
        return [], np.empty((0, 128))
    return ids, np.vstack([biometrics.encoding_from_bytes(biometrics.decrypt(row[1])) for row in rows])


def enrollment_record(
    *, actor: Any, application_id: int, face: bytes, fingers: dict[int, bytes], signature: bytes
) -> Application:
    """Capture biometrics at the counter; a face seen under another identity opens a case instead."""
    application = Application.objects.get(pk=application_id)
    if application.status != S.VALIDATED:
        raise Conflict(_("Solo se enrola una solicitud validada."), fields={"status": application.status})
    _check_officer(actor, application)
    portrait = biometrics.portrait_jpeg(face)
    encoding = biometrics.face_encoding(face)
    usable_fingers = biometrics.check_fingers(fingers)
    signature_image = biometrics.signature_for_chip(signature)
    one_to_one = biometrics.compare_faces(encoding, _reniec_face(application.dni))
    if not one_to_one.same:
        with transaction.atomic():
            CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_1, outcome=O.HIT,
                                       detail={"distance": one_to_one.distance})
        raise ValidationFailed(_("El rostro capturado no coincide con la foto de RENIEC."),
                               fields={"face": _("No coincide con RENIEC (distancia %(d)s).") % {"d": one_to_one.distance}})
    ids, gallery = _gallery(application.dni)
    closest = biometrics.nearest(encoding, gallery)
    duplicate_of = ids[closest[0]] if closest and closest[1] <= biometrics.FACE_MATCH_DISTANCE else None
    return _save(actor=actor, application_id=application_id, portrait=portrait, encoding=encoding,
                 fingers=usable_fingers, signature=signature_image, one_to_one=one_to_one.distance,
                 duplicate_of=duplicate_of, duplicate_distance=closest[1] if closest else None)


@transaction.atomic
def _save(*, actor: Any, application_id: int, portrait: bytes, encoding: np.ndarray, fingers: dict[int, bytes],
          signature: bytes, one_to_one: float, duplicate_of: int | None, duplicate_distance: float | None) -> Application:
    application = application_lock(application_id)
    if application.status != S.VALIDATED or hasattr(application, "enrollment"):
        raise Conflict(_("Esta solicitud ya fue enrolada."), fields={"status": application.status})
    enrollment = Enrollment.objects.create(
        application=application, officer=actor, face_image=biometrics.encrypt(portrait),
        face_encoding=biometrics.encrypt(biometrics.encoding_bytes(encoding)),
        signature_image=biometrics.encrypt(signature),
    )
    EnrollmentFinger.objects.bulk_create(
        [EnrollmentFinger(enrollment=enrollment, position=p, image=biometrics.encrypt(d)) for p, d in fingers.items()]
    )
    Appointment.objects.filter(application=application, status=Appointment.Status.ACTIVE).update(
        status=Appointment.Status.ATTENDED, closed_at=timezone.now())
    application.enrolled_at = timezone.now()
    application.save(update_fields=["enrolled_at", "updated_at"])
    CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_1, outcome=O.CLEAR,
                               detail={"distance": one_to_one})
    audit_record(actor=actor, action="pasaporte.enrollment_record", obj=enrollment, person_id=application.person_id,
                 details={"fingers": sorted(fingers), "duplicate_of": duplicate_of})
    if duplicate_of is not None:
        DuplicateCase.objects.create(application=application, other_application_id=duplicate_of,
                                     distance=duplicate_distance or 0.0)
        CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_N, outcome=O.HIT,
                                   detail={"other_application": duplicate_of, "distance": duplicate_distance})
        return application_transition(
            actor=actor, application_id=application.pk, to=S.OBSERVED,
            reason=_("Posible duplicado: el rostro coincide con otra identidad ya enrolada. Caso abierto."),
        )
    CheckResult.objects.create(application=application, source=R.BIOMETRIC_1_N, outcome=O.CLEAR,
                               detail={"gallery": "sin coincidencias"})
    return enrollment_accept(actor=actor, application=application, reason=_("Biometría registrada en ventanilla."))


@transaction.atomic
def enrollment_accept(*, actor: Any, application: Application, reason: str) -> Application:
    """Enrolled: personalization is queued once the transaction commits."""
    application = application_transition(actor=actor, application_id=application.pk, to=S.ENROLLED, reason=reason)
    from ..tasks import personalize_passport_task

    transaction.on_commit(lambda: personalize_passport_task.delay(application.pk))
    return application
