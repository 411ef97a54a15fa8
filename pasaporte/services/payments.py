"""Paying the passport fee on the payments rail: the citizen's order or receipt for purpose
"pasaporte.solicitud", and the paid-handler (registered in PasaporteConfig.ready) that opens the application."""
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _, gettext_noop

from core.actor import Actor
from core.errors import Conflict, NotFound, ValidationFailed
from outbox.services import enqueue_task
from pagos import selectors as pagos_selectors
from pagos import services as pagos_services
from pagos.models import Fee, Payment

from .. import notes
from ..models import Application, ApplicationEvent
from ..notes import note
from .common import OPEN_STATUSES, actor_repr

PASSPORT_FEE_CODE = "01810"
PASSPORT_PROCEDURE = "PASAPORTE_ELECTRONICO"
PAYMENT_PURPOSE = "pasaporte.solicitud"


def fee_current(*, on: dt.date | None = None) -> Fee:
    """The passport fee in force on a date (today by default)."""
    return pagos_selectors.fee_for(PASSPORT_PROCEDURE, on=on)


def _require_citizen_dni(user: Any) -> str:
    if not getattr(user, "dni", None):
        raise ValidationFailed(_("Solo un ciudadano con DNI puede pagar el pasaporte."), fields={"dni": _("Sin DNI.")})
    if Application.objects.filter(dni=user.dni, status__in=OPEN_STATUSES).exists():
        raise Conflict(_("Ya tiene una solicitud de pasaporte en curso."), fields={"application": _("En curso.")})
    return user.dni


def payment_order_create(*, actor: Actor, notify_url: str, return_url: str = "") -> Payment:
    """A payment order at the bank for the passport fee; a pending one is reused, not duplicated."""
    dni = _require_citizen_dni(actor)
    return pagos_services.payment_order_create(
        actor=actor, purpose_kind=PAYMENT_PURPOSE, procedure=PASSPORT_PROCEDURE, payer_document_type="DNI",
        payer_document_number=dni, notify_url=notify_url, return_url=return_url, user=actor)


def payment_receipt_register(*, actor: Actor, receipt_number: str, payment_date: dt.date) -> Payment:
    """A receipt paid at the bank for the passport fee, checked with the bank; it serves once, anywhere.

    Paid: the application is open. The bank not answering: the payment stays pending (checked again).
    """
    dni = _require_citizen_dni(actor)
    return pagos_services.payment_receipt_register(
        actor=actor, purpose_kind=PAYMENT_PURPOSE, procedure=PASSPORT_PROCEDURE, payer_document_type="DNI",
        payer_document_number=dni, receipt_number=receipt_number, payment_date=payment_date, user=actor)


def application_open_for_payment(*, actor: Actor, payment: Payment) -> int:
    """pagos' paid-handler for "pasaporte.solicitud": the confirmed fee opens the citizen's application.

    Refused (Conflict) when the person already has one in progress; the rail then undoes a receipt just
    typed, or keeps a bank-confirmed order paid with the reason, for a refund.
    """
    try:
        with transaction.atomic():
            application = Application.objects.create(user=payment.user, dni=payment.payer_document_number,
                                                     payment=payment)
    except IntegrityError as exc:
        raise Conflict(_("Ya tiene una solicitud de pasaporte en curso."), fields={"application": _("En curso.")}) from exc
    paid = note(gettext_noop("Pago %(method)s, comprobante %(receipt)s"),
                method=notes.label(Payment.Method(payment.method).label), receipt=payment.receipt_number)
    ApplicationEvent.objects.create(
        application=application, to_status=Application.Status.PAID, actor_repr=actor_repr(actor),
        note=paid, note_parts=notes.parts_of(paid),
    )
    enqueue_task("pasaporte.tasks.notify_status_task", queue="notifications",
                 kwargs={"application_id": application.pk, "status": Application.Status.PAID.value})
    return application.pk


def payment_receipt(*, actor: Actor, application_id: int):
    """The signed receipt of the payment that opened the citizen's application (issued on first request)."""
    from pagos.receipts import payment_receipt_issue

    application = Application.objects.filter(pk=application_id).first()
    if application is None or getattr(actor, "pk", None) != application.user_id:
        raise NotFound(_("La solicitud no existe."), fields={"application": _("No encontrada.")})
    return payment_receipt_issue(payment_id=application.payment_id, actor=actor)
