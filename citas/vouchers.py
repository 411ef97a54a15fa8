"""The constancia de cita: a one-page PDF (weasyprint) of a booked cita, signed and verifiable through
documentos (kind APPOINTMENT_VOUCHER, its QR stamped by the rail), issued once per cita on first download
and revoked when the cita is moved or cancelled."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.actor import Actor
from core.errors import Conflict, NotFound
from documentos.kinds import mask_name
from documentos.models import Document
from documentos.rendering import pdf_render
from documentos.selectors import document_for_record
from documentos.services import document_issue, document_revoke

from .models import Appointment
from .selectors import appointment_ends_at, appointment_reference, office_hours_text

KIND = "APPOINTMENT_VOUCHER"
RECORD_KIND = "citas.appointment"


def _voucher_pdf(appointment: Appointment, *, holder: str, bring: list[str]) -> bytes:
    office = appointment.slot.office
    return pdf_render("citas/voucher.html", {
        "appointment": appointment, "reference": appointment_reference(appointment), "holder": holder,
        "office": office, "hours": office_hours_text(office), "bring": bring,
        "starts_at": timezone.localtime(appointment.slot.starts_at),
        "ends_at": timezone.localtime(appointment_ends_at(appointment)), "now": timezone.localtime(),
    })


@transaction.atomic
def appointment_voucher_issue(*, appointment_id: int, bring: list[str], actor: Actor) -> Document:
    """The cita's signed voucher: the one already issued, or a new one (the cita is locked meanwhile)."""
    appointment = (Appointment.objects.select_for_update(of=("self",)).select_related("slot__office", "user")
                   .filter(pk=appointment_id).first())
    if appointment is None:
        raise NotFound("appointment: not found", fields={"appointment": "not found"})
    if appointment.status != Appointment.Status.BOOKED:
        raise Conflict("appointment: only a booked cita has a voucher", fields={"appointment": appointment.status})
    existing = document_for_record(kind=KIND, record_kind=RECORD_KIND, record_id=appointment.pk)
    if existing is not None:
        return existing
    holder = appointment.user.get_full_name() or appointment.document
    pdf = _voucher_pdf(appointment, holder=holder, bring=bring)
    facts = {"holder": mask_name(holder), "number": appointment_reference(appointment),
             "office": appointment.slot.office.name, "issued_on": timezone.localdate().isoformat()}
    return document_issue(kind=KIND, pdf=pdf, facts=facts, record_kind=RECORD_KIND, record_id=appointment.pk,
                          person=appointment.person_id, actor=actor)


def appointment_voucher_revoke(*, appointment_id: int, reason: str, actor: Actor) -> bool:
    """Revoke the voucher of a cita no longer booked (moved or cancelled), if one was issued."""
    document = document_for_record(kind=KIND, record_kind=RECORD_KIND, record_id=appointment_id)
    if document is None:
        return False
    document_revoke(document=document, reason=reason, actor=actor)
    return True
