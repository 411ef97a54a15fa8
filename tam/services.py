"""Writes of the TAM: issued inside the crossing's transaction, signed with the portal's Document Signer."""
from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from control.models import Crossing
from control.trust import portal_pki
from mrtd.vds import sign_seal
from core.actor import Actor

from .models import Tam

SEAL_DOC_TYPE = "TAM"
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
    audit_record(actor=actor, action="tam.issue", obj=tam, person_id=crossing.person_id,
                 details={"crossing": str(crossing.transaction_id)})
    if tam.email:
        from outbox.services import enqueue_task

        # Committed with the TAM, published after: a broker outage delays the e-mail, never the gate.
        enqueue_task("tam.tasks.tam_email_send", kwargs={"tam_id": tam.pk}, queue="notifications")
    return tam


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
        # Sent under the row lock: two runs cannot both send; a mail failure rolls the mark back.
        _tam_email_message(tam).send()
        Tam.objects.filter(pk=tam.pk).update(email_sent_at=timezone.now())
        audit_record(actor="sistema:tam", action="tam.email", obj=tam, person_id=tam.crossing.person_id)
    return True


def _tam_email_message(tam: Tam):
    from django.core.mail import EmailMessage

    from .documents import tam_pdf

    message = EmailMessage(
        subject=_("Su TAM virtual %(number)s · MIGRACIONES") % {"number": tam.number},
        body=_("Estimado(a) %(name)s:\n\nAdjuntamos su Tarjeta Andina de Migración virtual %(number)s. "
               "Cualquiera puede verificarla escaneando su sello.\n\nSuperintendencia Nacional de Migraciones")
        % {"name": f"{tam.given_names} {tam.surnames}".strip(), "number": tam.number},
        to=[tam.email],
    )
    message.attach(f"{tam.number}.pdf", tam_pdf(tam), "application/pdf")
    return message
