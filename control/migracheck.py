"""MigraCheck: trips registered up to 48 h ahead, and what of them a crossing may use.

Anyone may register a trip without an account, so a registration is trusted only as far as it is
bound to the traveller: it matches on the document's number, issuing state, nationality, birth date
and expiry (all in the MRZ), and then counts only for the very chip photo it was made with (the
SHA-256 of DG2 equals the DG2 read at control) or when a signed-in traveller whose account holds
that document made it. Even then its e-mail receives the TAM only after the confirmation link was
followed, and its purpose sets the stay only for a signed-in traveller: the stay is otherwise decided
from the document and the law, or from the purpose confirmed at the gate or the counter.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

import numpy as np
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.models import AuditEntry
from auditoria.services import audit_record
from core.actor import Actor
from core.errors import ValidationFailed
from cuentas.mail import mail_build
from rim.models import IdentityDocument

from . import faces
from .audit_actions import AuditAction
from .checks import ChipData
from .models import PreRegistration
from .selectors import preregistration_candidates
from .uploads import CHIP_PHOTO_NOT_AN_IMAGE, dg2_has_face_image

logger = logging.getLogger(__name__)

MIGRACHECK_WINDOW = dt.timedelta(hours=48)
EMAIL_CONFIRM_SALT = "control.migracheck.email"
EMAIL_CONFIRM_MAX_AGE = dt.timedelta(days=3)
DIRECTIONS = ("ENTRY", "EXIT")


def _dg2_aad(prereg: PreRegistration) -> bytes:
    return f"control.preregistration.dg2:{prereg.reference}".encode()


def encoding_aad(prereg: PreRegistration) -> bytes:
    return f"control.preregistration:{prereg.reference}:{prereg.dg2_sha256}".encode()


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _account_holds(user: Any, *, number: str, nationality: str, birth_date: dt.date) -> bool:
    """The signed-in user's account is for this very document (number, nationality, birth date)."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "is_staff_role", False):
        return False
    return (bool(user.document_number) and user.document_number.strip().upper() == number
            and (user.nationality or "").upper() == nationality and user.birth_date == birth_date)


def holder_person_id(prereg: PreRegistration) -> int | None:
    """The RIM person holding the registered document, for the audit ("who looked at my data")."""
    document = (IdentityDocument.objects.filter(number=prereg.document_number, issuing_state=prereg.issuing_state,
                                                person__birth_date=prereg.birth_date)
                .values_list("person_id", flat=True).first())
    return document


@transaction.atomic
def preregistration_create(*, actor: Actor, document_number: str, issuing_state: str, nationality: str,
                           birth_date: dt.date, expiry_date: dt.date, direction: str, flight: str,
                           flight_at: dt.datetime, purpose: str, origin: str = "", destination: str = "",
                           address_in_peru: str = "", residence_country: str = "", email: str = "",
                           dg2: bytes | None = None) -> PreRegistration:
    """Register a trip up to 48 h ahead; the chip photo is sealed and encoded in the background.

    `actor` is the signed-in user or None (anonymous). An anonymous registration needs the chip
    photo: without it nothing could tie it to the traveller at control.
    """
    from biometria.crypto import seal
    from outbox.services import enqueue_task

    from .stay import PURPOSES

    now = timezone.now()
    number, state = document_number.strip().upper(), issuing_state.strip().upper()
    nationality = nationality.strip().upper()
    if direction not in DIRECTIONS:
        raise ValidationFailed(_("Sentido inválido."), fields={"direction": _("Debe ser ENTRY o EXIT.")})
    if not now <= flight_at <= now + MIGRACHECK_WINDOW:
        raise ValidationFailed(_("El preregistro se hace dentro de las 48 horas previas al vuelo."),
                               fields={"flight_at": _("Debe estar entre ahora y 48 horas.")})
    if purpose not in PURPOSES:
        raise ValidationFailed(_("Motivo de viaje inválido."), fields={"purpose": ", ".join(PURPOSES)})
    if expiry_date < timezone.localdate(now):
        raise ValidationFailed(_("El documento está vencido."), fields={"expiry_date": _("Debe estar vigente.")})
    holder = actor if _account_holds(actor, number=number, nationality=nationality, birth_date=birth_date) else None
    if holder is None and not dg2:
        raise ValidationFailed(
            _("Sin iniciar sesión, el preregistro necesita la foto del chip (DG2) leída con la app."),
            fields={"dg2": _("Obligatorio si no inició sesión con la cuenta de este pasaporte.")})
    if dg2 and not dg2_has_face_image(dg2):
        # Only a chip photo is kept: any other file is refused here, for the page and the API alike.
        message = str(CHIP_PHOTO_NOT_AN_IMAGE)
        raise ValidationFailed(message, fields={"dg2": message})
    email = email.strip()
    confirmed = (holder is not None and bool(email) and holder.email_verified
                 and holder.email.strip().lower() == email.lower())
    prereg = PreRegistration(
        document_number=number, issuing_state=state, nationality=nationality, birth_date=birth_date,
        expiry_date=expiry_date, user=holder, direction=direction, flight=flight.strip().upper(),
        flight_at=flight_at, purpose=purpose, origin=origin.strip(), destination=destination.strip(),
        address_in_peru=address_in_peru.strip(), residence_country=residence_country.strip().upper(),
        email=email, email_confirmed_at=now if confirmed else None,
        dg2_sha256=faces.dg2_digest(dg2) if dg2 else "",
    )
    prereg.full_clean(exclude=["user"])
    prereg.save()
    if dg2:
        sealed = seal(dg2, aad=_dg2_aad(prereg))
        prereg.dg2_key_id, prereg.dg2_sealed = sealed.key_id, sealed.data
        prereg.save(update_fields=["dg2_key_id", "dg2_sealed"])
    audit_record(actor=actor, action=AuditAction.PREREGISTRATION_CREATE, obj=prereg,
                 person_id=holder_person_id(prereg), purpose="MigraCheck",
                 details={"flight": prereg.flight, "direction": direction, "with_chip_photo": bool(dg2),
                          "signed_in_holder": holder is not None})
    # Only the id goes to the broker: the photo stays sealed in the database.
    if dg2:
        enqueue_task("control.tasks.preregistration_encode", kwargs={"preregistration_id": prereg.pk},
                     queue="biometrics")
    if email and not confirmed:
        enqueue_task("control.tasks.preregistration_confirmation_send", kwargs={"preregistration_id": prereg.pk},
                     queue="notifications")
    return prereg


def confirmation_token(prereg: PreRegistration) -> str:
    return signing.dumps({"r": str(prereg.reference), "e": _email_digest(prereg.email)}, salt=EMAIL_CONFIRM_SALT)


def _bilingual_subject() -> str:
    """A traveller's language is not known: Spanish, then English."""
    from django.utils import translation

    with translation.override("en"):
        english = str(_("MIGRACIONES: confirme su correo para MigraCheck"))
    return f"{_('MIGRACIONES: confirme su correo para MigraCheck')} / {english}"


def preregistration_confirmation_send(*, preregistration_id: int) -> bool:
    """E-mail the link that confirms the address (once; a second run sends nothing)."""
    with transaction.atomic():
        prereg = PreRegistration.objects.select_for_update().filter(pk=preregistration_id).first()
        if (prereg is None or not prereg.email or prereg.email_confirmed_at is not None
                or prereg.email_confirmation_sent_at is not None):
            return False
        link = settings.SITE_URL + reverse("control:migracheck_confirm", args=[confirmation_token(prereg)])
        message = mail_build(to=[prereg.email], language="es", template="control/email_migracheck_confirm",
                             subject=_bilingual_subject, context={"flight": prereg.flight, "link": link})
        # Sent inside the lock so that two runs of the task cannot both send; a failure rolls
        # back the mark and the task retries.
        message.send()
        PreRegistration.objects.filter(pk=prereg.pk).update(email_confirmation_sent_at=timezone.now())
    return True


@transaction.atomic
def preregistration_email_confirm(*, token: str, actor: Actor = None) -> PreRegistration:
    """The traveller followed the link: their TAM may now be sent to that address."""
    invalid = ValidationFailed(_("El enlace no es válido o ha vencido."),
                               fields={"token": _("Enlace inválido o vencido.")})
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=EMAIL_CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise invalid from None
    prereg = PreRegistration.objects.select_for_update().filter(reference=data.get("r")).first()
    if prereg is None or not prereg.email or _email_digest(prereg.email) != data.get("e"):
        raise invalid
    if prereg.email_confirmed_at is None:
        prereg.email_confirmed_at = timezone.now()
        prereg.save(update_fields=["email_confirmed_at"])
        audit_record(actor=actor, action=AuditAction.PREREGISTRATION_EMAIL_CONFIRM, obj=prereg,
                     person_id=holder_person_id(prereg), purpose="MigraCheck")
    return prereg


def preregistration_encode_face(*, preregistration_id: int) -> PreRegistration | None:
    """Encode the sealed chip photo of a registration, seal the encoding and erase the photo (idempotent).

    Runs in a Celery worker: the face is encoded in this process (a prefork worker is daemonic and
    may not start the face processes). A photo without a usable face is erased too: the gate then
    encodes the chip photo itself, nothing is lost.
    """
    from biometria.crypto import Sealed, seal, unseal

    prereg = PreRegistration.objects.filter(pk=preregistration_id).first()
    if prereg is None or prereg.status != PreRegistration.Status.PENDING or not prereg.dg2_sealed:
        return prereg
    person_id = holder_person_id(prereg)
    dg2 = unseal(Sealed(prereg.dg2_key_id, bytes(prereg.dg2_sealed)), aad=_dg2_aad(prereg))
    audit_record(actor="sistema:migracheck", action=AuditAction.PREREGISTRATION_DG2_READ, kind=AuditEntry.Kind.READ,
                 obj=prereg, person_id=person_id, purpose="MigraCheck: preparar el rostro del chip")
    encoding = None
    if faces.dg2_digest(dg2) == prereg.dg2_sha256:
        try:
            encoding = faces.encode_image(faces.chip_photo(dg2), field="dg2", in_process=True)
        except (faces.ChipPhotoUnusable, ValidationFailed):
            logger.info("control.migracheck: foto del chip sin rostro utilizable (preregistro %s)", prereg.pk)
    with transaction.atomic():
        changes: dict[str, Any] = {"dg2_key_id": "", "dg2_sealed": None}
        if encoding is not None:
            sealed = seal(encoding.astype(np.float64).tobytes(), aad=encoding_aad(prereg))
            changes.update(encoding_key_id=sealed.key_id, encoding_sealed=sealed.data,
                           status=PreRegistration.Status.READY)
        PreRegistration.objects.filter(pk=prereg.pk, status=PreRegistration.Status.PENDING).update(**changes)
        audit_record(actor="sistema:migracheck", action=AuditAction.PREREGISTRATION_ENCODE, obj=prereg,
                     person_id=person_id, details={"ready": encoding is not None})
    prereg.refresh_from_db()
    return prereg


def preregistration_binding(*, number: str, issuing_state: str, nationality: str, birth_date: dt.date | None,
                            expiry_date: dt.date | None, direction: str, chip: ChipData | None,
                            now: dt.datetime) -> PreRegistration | None:
    """The registration a crossing may use: same document, and made with this chip photo or by its holder."""
    if birth_date is None or expiry_date is None:
        return None
    digest = faces.dg2_digest(chip.dg2) if chip is not None and chip.dg2 else None
    for prereg in preregistration_candidates(number=number, issuing_state=issuing_state, nationality=nationality,
                                             birth_date=birth_date, expiry_date=expiry_date, direction=direction,
                                             now=now):
        if prereg.user_id is not None or (digest is not None and prereg.dg2_sha256 == digest):
            return prereg
    return None
