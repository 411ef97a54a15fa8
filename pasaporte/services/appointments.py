"""Citas of a passport application, on the appointments rail (citas): the application is locked and its owner
checked here; citas keeps the turns and the one-active rule and calls back through the hooks registered at
start-up (may this application book? it booked: move it to BOOKED and queue its validation)."""
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_noop

from citas import selectors as citas_selectors
from citas import services as citas_services
from citas.models import Appointment, Service
from citas.vouchers import appointment_voucher_issue, appointment_voucher_revoke
from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from cuentas.models import Office
from outbox.services import enqueue_task

from ..models import Application
from ..notes import note
from .common import application_lock, application_transition, staff_check_office
from .steps import Step, step_notify, step_record

S = Application.Status
# Citas can be booked while the application waits for its counter visit.
BOOKABLE = frozenset({S.PAID, S.BOOKED, S.VALIDATION_PENDING, S.OBSERVED, S.VALIDATED})
RECORD_KIND = "pasaporte.application"
SERVICE = Service.PASSPORT_ENROLLMENT


def slots_ensure(*, office: Office, days: list[dt.date] | None = None) -> int:
    """Create the sede's passport turns for these days (default: the booking horizon)."""
    return citas_services.slots_generate(office=office, service=SERVICE, days=days)


def application_may_book(application_id: int) -> None:
    """Hook for citas: refuse a cita for an application past its counter visit."""
    status = Application.objects.filter(pk=application_id).values_list("status", flat=True).first()
    if status not in BOOKABLE:
        raise Conflict(_("Esta solicitud ya no admite citas."), fields={"application": status or ""})


def application_cita_changed(appointment: Appointment, event: str, actor: Actor) -> None:
    """Hook for citas: a booked or moved cita sets the application's sede; the first one moves a paid
    application to BOOKED and queues its validation (through the outbox, inside the booking's transaction).
    A later booking, a move or a cancellation is a step in the timeline with its notice."""
    if event == "cancelled":
        _cita_cancelled(appointment, actor)
        return
    if event not in ("booked", "rescheduled"):
        return
    application = Application.objects.get(pk=appointment.record_id)
    application.office = appointment.slot.office
    application.save(update_fields=["office", "updated_at"])
    if event == "booked" and application.status == S.PAID:
        application_transition(actor=actor, application_id=application.pk, to=S.BOOKED,
                               reason=note(gettext_noop("Cita en %(office)s el %(when)s"),
                                           office=appointment.slot.office.name, when=_when(appointment)))
        enqueue_task("pasaporte.tasks.validate_application_task", queue="validation",
                     kwargs={"application_id": application.pk})
        return
    if event == "rescheduled":
        _voucher_revoke_moved(appointment)
    step = Step.APPOINTMENT_RESCHEDULED if event == "rescheduled" else Step.APPOINTMENT_BOOKED
    step_record(application=application, step=step, actor=actor,
                note=note(gettext_noop("Cita en %(office)s el %(when)s"), office=appointment.slot.office.name,
                          when=_when(appointment)))

    def text() -> tuple[str, str]:
        where = {"office": appointment.slot.office.name, "address": appointment.slot.office.address,
                 "when": _when(appointment), "ref": citas_selectors.appointment_reference(appointment)}
        if event == "rescheduled":
            return (_("MIGRACIONES · Su cita fue reprogramada"),
                    _("Su cita %(ref)s es ahora el %(when)s en %(office)s (%(address)s). El turno anterior quedó "
                      "libre y su constancia anterior ya no es válida.") % where)
        return (_("MIGRACIONES · Su cita está reservada"),
                _("Su cita %(ref)s es el %(when)s en %(office)s (%(address)s).") % where)

    step_notify(user=application.user, application=application, text=text, actor=actor)


def _when(appointment: Appointment) -> str:
    return timezone.localtime(appointment.slot.starts_at).strftime("%d/%m/%Y %H:%M")


def _voucher_revoke_moved(appointment: Appointment) -> None:
    """The voucher of the cita this one replaces no longer holds."""
    old = (Appointment.objects.filter(record_kind=RECORD_KIND, record_id=appointment.record_id,
                                      status=Appointment.Status.RESCHEDULED).order_by("-closed_at", "-id").first())
    if old is not None:
        appointment_voucher_revoke(appointment_id=old.pk, reason=_("Cita reprogramada"), actor="system:pasaporte")


def _cita_cancelled(appointment: Appointment, actor: Actor) -> None:
    application = Application.objects.select_related("user").get(pk=appointment.record_id)
    appointment_voucher_revoke(appointment_id=appointment.pk, reason=_("Cita anulada"), actor="system:pasaporte")
    step_record(application=application, step=Step.APPOINTMENT_CANCELLED, actor=actor,
                note=note(gettext_noop("Cita del %(when)s en %(office)s anulada. Motivo: %(reason)s"),
                          when=_when(appointment), office=appointment.slot.office.name, reason=appointment.reason))

    def text() -> tuple[str, str]:
        return (_("MIGRACIONES · Su cita fue anulada"),
                _("Su cita %(ref)s del %(when)s en %(office)s fue anulada y el turno quedó libre. Motivo: %(reason)s. "
                  "Su solicitud sigue abierta: puede reservar otra cita cuando quiera.") % {
                    "ref": citas_selectors.appointment_reference(appointment), "when": _when(appointment),
                    "office": appointment.slot.office.name, "reason": appointment.reason})

    step_notify(user=application.user, application=application, text=text, actor=actor)


def _own(application: Application, actor: Actor) -> None:
    if getattr(actor, "pk", None) != application.user_id and not getattr(actor, "is_staff_role", False):
        raise NotFound(_("La solicitud no existe."), fields={"application": _("No encontrada.")})


def _booked(application: Application) -> Appointment:
    appointment = citas_selectors.appointment_booked(record_kind=RECORD_KIND, record_id=application.pk,
                                                     service=SERVICE)
    if appointment is None:
        raise NotFound(_("No tiene una cita vigente."), fields={"appointment": _("Sin cita vigente.")})
    return appointment


@transaction.atomic
def appointment_book(*, actor: Actor, application_id: int, slot_id: int) -> Appointment:
    """Book a passport cita; at most one active per DNI (a database constraint) and never over capacity."""
    application = application_lock(application_id)
    _own(application, actor)
    return citas_services.appointment_book(
        actor=actor, service=SERVICE, slot_id=slot_id, record_kind=RECORD_KIND, record_id=application.pk,
        user_id=application.user_id, document=application.dni, person_id=application.person_id)


@transaction.atomic
def appointment_reschedule(*, actor: Actor, application_id: int, slot_id: int) -> Appointment:
    """Move the active cita to another turn; the old place is released in the same transaction."""
    application = application_lock(application_id)
    _own(application, actor)
    return citas_services.appointment_reschedule(actor=actor, appointment_id=_booked(application).pk,
                                                 slot_id=slot_id)


@transaction.atomic
def appointment_cancel(*, actor: Actor, application_id: int, reason: str) -> Appointment:
    """Cancel the active cita with the holder's reason and give its place back (the timeline and a notice say so)."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Escriba por qué anula la cita.")
        raise ValidationFailed(message, fields={"reason": message})
    application = application_lock(application_id)
    _own(application, actor)
    return citas_services.appointment_cancel(actor=actor, appointment_id=_booked(application).pk, reason=reason)


# What a citizen brings to the passport enrollment (the voucher and the confirmation page list it).
def bring_list() -> list[str]:
    return [_("Su DNI original y vigente."),
            _("El número de su comprobante de pago (o la constancia de pago descargada del portal)."),
            _("Su pasaporte anterior, si lo tiene: se anula al entregarle el nuevo."),
            _("Esta constancia de cita, impresa o en su teléfono.")]


def appointment_voucher(*, actor: Actor, application_id: int):
    """The signed voucher of the application's booked cita (issued on first request)."""
    application = Application.objects.get(pk=application_id)
    _own(application, actor)
    return appointment_voucher_issue(appointment_id=_booked(application).pk, bring=bring_list(), actor=actor)


@transaction.atomic
def appointment_mark_no_show(*, actor: Actor, appointment_id: int) -> Appointment:
    """The citizen did not come (an officer of the sede says so): the place is released."""
    appointment = Appointment.objects.select_related("slot").filter(pk=appointment_id, record_kind=RECORD_KIND).first()
    if appointment is None:
        raise NotFound(_("La cita no existe."), fields={"appointment": _("No encontrada.")})
    staff_check_office(actor=actor, office_id=appointment.slot.office_id)
    return citas_services.appointment_no_show(actor=actor, appointment_id=appointment_id)
