"""Writes of the TAM: issued inside the crossing's transaction, signed with the portal's Document Signer."""
from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from control.models import Crossing
from control.trust import portal_pki
from mrtd.vds import sign_seal
from core.actor import Actor
from cuentas.mail import mail_build
from documentos.kinds import mask_name
from documentos.models import Document
from documentos.selectors import document_for_record, document_pdf
from documentos.services import document_issue, document_reserve_code

from .audit_actions import AuditAction
from .models import Tam

SEAL_DOC_TYPE = "TAM"
DOCUMENT_KIND = "TAM"  # documentos.kinds
RECORD_KIND = "tam.Tam"
# Crockford-style alphabet without look-alikes (no I, L, O, U): numbers are read aloud and typed.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def tam_number_new() -> str:
    day = timezone.localdate().strftime("%y%m%d")
    return f"TAM{day}" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def seal_payload(tam: Tam) -> dict[str, Any]:
    """What the seal signs: every printed field, text and integers only (no floats in a seal)."""
    payload = {
        "n": tam.number, "dir": tam.direction, "sn": tam.surnames, "gn": tam.given_names,
        "dt": tam.document_type, "doc": tam.document_number, "is": tam.issuing_state, "nat": tam.nationality,
        "dob": tam.birth_date.isoformat(), "sex": tam.sex, "res": tam.residence_country, "org": tam.origin,
        "dst": tam.destination, "fl": tam.flight, "pur": tam.purpose, "adr": tam.address_in_peru,
        "cp": tam.crossing_point_code, "at": timezone.localtime(tam.occurred_at).isoformat(timespec="seconds"),
    }
    if tam.days_granted is not None:
        payload["days"] = tam.days_granted
    return payload


@transaction.atomic
def tam_issue(*, crossing: Crossing, actor: Actor) -> Tam:
    """Create and seal the TAM of an admitted crossing (once: a second call returns the first TAM)."""
    existing = Tam.objects.filter(crossing=crossing).first()
    if existing is not None:
        return existing
    boarding = getattr(crossing, "_boarding", None)
    tam = Tam(
        number=tam_number_new(), crossing=crossing, direction=crossing.direction, surnames=crossing.surnames,
        given_names=crossing.given_names, document_type=crossing.document_code,
        document_number=crossing.document_number, issuing_state=crossing.issuing_state,
        nationality=crossing.nationality, birth_date=crossing.birth_date, sex=crossing.sex or "X",
        residence_country=getattr(boarding, "residence_country", "")[:3], origin=crossing.origin,
        destination=crossing.destination, flight=crossing.flight, purpose=crossing.purpose,
        address_in_peru=getattr(boarding, "address_in_peru", "")[:200], days_granted=crossing.days_granted,
        crossing_point_code=crossing.crossing_point.code, crossing_point_name=crossing.crossing_point.name,
        occurred_at=crossing.movement.occurred_at if crossing.movement_id else timezone.now(),
        email=getattr(boarding, "email", "")[:254],
    )
    pki = portal_pki()
    tam.seal = sign_seal(seal_payload(tam), ds_key=pki.ds_private_key, ds_cert_der=pki.ds_cert_der,
                         doc_type=SEAL_DOC_TYPE, issuing_country="PER")
    tam.full_clean(exclude=["crossing"])
    tam.save()
    audit_record(actor=actor, action=AuditAction.ISSUE, obj=tam, person_id=crossing.person_id,
                 details={"crossing": str(crossing.transaction_id)})
    from outbox.services import enqueue_task

    # Committed with the TAM, published after: rendering and signing the PDF (and a broker outage)
    # delay the document and the e-mail, never the gate's answer.
    enqueue_task("tam.tasks.tam_document_issue_task", kwargs={"tam_id": tam.pk}, queue="default")
    if tam.email:
        enqueue_task("tam.tasks.tam_email_send", kwargs={"tam_id": tam.pk}, queue="notifications")
    return tam


def tam_document_facts(tam: Tam) -> dict[str, Any]:
    """What /verificar/ shows of a TAM: the holder's initials, never the document or birth date."""
    facts: dict[str, Any] = {
        "holder": mask_name(tam.full_name), "number": tam.number,
        "direction": _("Entrada") if tam.direction == "ENTRY" else _("Salida"),
        "crossing_point": f"{tam.crossing_point_name} ({tam.crossing_point_code})",
        "occurred_on": timezone.localtime(tam.occurred_at).date().isoformat(),
    }
    if tam.days_granted is not None:
        facts["days_granted"] = tam.days_granted
    return facts


@transaction.atomic
def tam_document(*, tam_id: int, actor: Actor) -> Document:
    """The TAM's signed PDF on the documents rail, issued once: the QR holds the /verificar/ address
    and the seal. Under the TAM's row lock, so the document task and the e-mail never issue two."""
    tam = Tam.objects.select_for_update().select_related("crossing").get(pk=tam_id)
    existing = document_for_record(kind=DOCUMENT_KIND, record_kind=RECORD_KIND, record_id=tam.pk)
    if existing is not None:
        return existing
    from .documents import tam_pdf

    code = document_reserve_code()
    with translation.override("es"):  # the printed TAM is Spanish first, whoever triggered it
        pdf = tam_pdf(tam, code=code)
        facts = tam_document_facts(tam)
    return document_issue(kind=DOCUMENT_KIND, pdf=pdf, facts=facts, record_kind=RECORD_KIND, record_id=tam.pk,
                          person=tam.crossing.person_id, vds=tam.seal, code=code, actor=actor)


def issue_for_crossing(crossing: Crossing, actor: Actor) -> dict[str, str]:
    """control's issuer hook: the TAM number goes into the crossing's answer."""
    return {"tam_number": tam_issue(crossing=crossing, actor=actor).number}


def tam_email(*, tam_id: int) -> bool:
    """Send the traveller their TAM as a PDF, once: a second run (a task redelivered after a worker
    died, or republished by the outbox sweep) finds it sent and does nothing."""
    with transaction.atomic():
        tam = Tam.objects.select_for_update().select_related("crossing").filter(pk=tam_id).first()
        if tam is None or not tam.email or tam.email_sent_at is not None:
            return False
        document = tam_document(tam_id=tam.pk, actor="sistema:tam")
        # Sent under the row lock: two runs cannot both send; a mail failure rolls the mark back.
        _tam_email_message(tam, document).send()
        Tam.objects.filter(pk=tam.pk).update(email_sent_at=timezone.now())
        audit_record(actor="sistema:tam", action=AuditAction.EMAIL, obj=tam, person_id=tam.crossing.person_id)
    return True


def _tam_email_message(tam: Tam, document: Document):
    """Spanish and English in one e-mail (a traveller's language is not known), text and HTML, the PDF attached."""
    def subject() -> str:
        with translation.override("en"):
            english = _("Su TAM virtual %(number)s · MIGRACIONES") % {"number": tam.number}
        return _("Su TAM virtual %(number)s · MIGRACIONES") % {"number": tam.number} + " / " + english

    pdf = document_pdf(document, actor="sistema:tam", purpose="envío de la TAM a su titular")
    return mail_build(to=[tam.email], language="es", subject=subject, template="tam/email",
                      context={"name": f"{tam.given_names} {tam.surnames}".strip(), "number": tam.number},
                      attachments=[(f"{tam.number}.pdf", pdf, "application/pdf")])
