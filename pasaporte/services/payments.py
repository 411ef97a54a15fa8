"""Payment of the passport fee: orders paid on the bank's page (signed notification) or bank receipts."""
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auditoria.services import audit_record
from integraciones import banco_nacion
from integraciones.errors import IntegrationError, InvalidNotification, ServiceUnavailable
from core.actor import Actor
from core.errors import Conflict, ExternalServiceUnavailable, NotFound, ValidationFailed
from outbox.services import enqueue_task

from ..models import Application, ApplicationEvent, Fee, Payment
from .common import OPEN_STATUSES, actor_repr

PASSPORT_FEE_CODE = "01810"

# The bank names fields in English; the citizen reads which of their data did not match.
_RECEIPT_FIELD_MESSAGES = {
    "receipt_number": gettext_lazy("El número de comprobante no existe en el Banco de la Nación."),
    "payment_date": gettext_lazy("La fecha de pago no coincide con la del comprobante."),
    "amount": gettext_lazy("El monto pagado no corresponde a la tasa 01810 (S/ 120.90)."),
    "fee_code": gettext_lazy("El comprobante corresponde a otra tasa."),
    "payer_dni": gettext_lazy("El comprobante fue pagado por otra persona."),
}


def fee_current(*, code: str = PASSPORT_FEE_CODE, on: dt.date | None = None) -> Fee:
    """The fee in force on a date (today by default)."""
    on = on or timezone.localdate()
    fee = (
        Fee.objects.filter(code=code, valid_from__lte=on)
        .exclude(valid_until__lt=on)
        .order_by("-valid_from")
        .first()
    )
    if fee is None:
        raise NotFound(_("No hay una tasa %(code)s vigente.") % {"code": code}, fields={"fee": code})
    return fee


def _require_citizen_dni(user: Any) -> str:
    if not getattr(user, "dni", None):
        raise ValidationFailed(_("Solo un ciudadano con DNI puede pagar el pasaporte."), fields={"dni": _("Sin DNI.")})
    if Application.objects.filter(dni=user.dni, status__in=OPEN_STATUSES).exists():
        raise Conflict(_("Ya tiene una solicitud de pasaporte en curso."), fields={"application": _("En curso.")})
    return user.dni


def payment_order_create(*, actor: Actor, notify_url: str, return_url: str = "") -> Payment:
    """A payment order at the bank for the current fee; a pending one is reused, not duplicated."""
    dni = _require_citizen_dni(actor)
    pending = Payment.objects.filter(user=actor, method=Payment.Method.ORDER, status=Payment.Status.PENDING,
                                     order_id__isnull=False).order_by("-created_at").first()
    if pending is not None:
        return pending
    fee = fee_current()
    with transaction.atomic():
        payment = Payment.objects.create(
            user=actor, payer_dni=dni, fee=fee, amount=fee.amount, method=Payment.Method.ORDER,
            reference=f"PAS-{uuid.uuid4().hex[:16].upper()}",
        )
    # The bank de-duplicates by our reference, so a retry after a lost answer gets the same order.
    try:
        order = banco_nacion.get_client().create_order(
            fee.code, fee.amount, dni, payment.reference, notify_url, return_url=return_url,
            description=fee.description,
        )
    except ServiceUnavailable as exc:
        raise ExternalServiceUnavailable(_("El Banco de la Nación no responde. Inténtelo en unos minutos.")) from exc
    except IntegrationError as exc:
        raise ExternalServiceUnavailable(_("El Banco de la Nación respondió de forma inesperada.")) from exc
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.order_id, payment.pay_url = order.order_id, order.pay_url
        payment.save(update_fields=["order_id", "pay_url"])
        audit_record(actor=actor, action="pasaporte.payment_order_create", obj=payment,
                     details={"order_id": order.order_id, "amount": str(fee.amount)})
    return payment


def _open_application(*, actor: Actor, payment: Payment) -> Application | None:
    """The application a paid fee opens; None if the person already has one in progress."""
    try:
        with transaction.atomic():
            application = Application.objects.create(user=payment.user, dni=payment.payer_dni, payment=payment)
    except IntegrityError:
        return None  # a second payment while one application is open: kept, for a refund
    ApplicationEvent.objects.create(
        application=application, to_status=Application.Status.PAID, actor_repr=actor_repr(actor),
        note=_("Pago %(method)s, comprobante %(receipt)s")
        % {"method": payment.get_method_display(), "receipt": payment.receipt_number},
    )
    enqueue_task("pasaporte.tasks.notify_status_task", queue="notifications",
                 kwargs={"application_id": application.pk, "status": Application.Status.PAID.value})
    return application


@transaction.atomic
def payment_notification_receive(*, body: bytes, signature: str, timestamp: str) -> Payment:
    """Apply the bank's signed notification once, however often and in whatever order it comes."""
    try:
        note = banco_nacion.verify_notification(body, signature, timestamp, settings.BANCO_NACION_NOTIFY_SECRET)
    except InvalidNotification as exc:
        raise ValidationFailed(exc.message, fields={exc.field or "body": exc.reason}) from exc
    payment = Payment.objects.select_for_update().filter(order_id=note.order_id).first()
    if payment is None:
        raise NotFound(_("La orden de pago no existe."), fields={"order_id": note.order_id})
    if payment.status == Payment.Status.PAID:
        return payment  # a repeat: the first notification already did the work
    problems = _notification_mismatches(payment, note)
    if problems:
        audit_record(actor="banco_nacion", action="pasaporte.payment_refused", obj=payment, details=problems)
        raise ValidationFailed(_("El pago no corresponde a la orden."), fields=problems)
    payment.status, payment.receipt_number = Payment.Status.PAID, note.receipt_number
    payment.notification_id, payment.paid_at = note.notification_id, note.paid_at
    try:
        with transaction.atomic():
            payment.save(update_fields=["status", "receipt_number", "notification_id", "paid_at"])
    except IntegrityError as exc:
        raise Conflict(_("Ese comprobante ya fue usado."), fields={"receipt_number": note.receipt_number}) from exc
    audit_record(actor="banco_nacion", action="pasaporte.payment_paid", obj=payment,
                 details={"receipt_number": note.receipt_number, "notification_id": note.notification_id})
    _open_application(actor="banco_nacion", payment=payment)
    return payment


def _notification_mismatches(payment: Payment, note: banco_nacion.PaymentNotification) -> dict[str, str]:
    problems: dict[str, str] = {}
    if Decimal(note.amount) != payment.amount:
        problems["amount"] = _("Se pagó S/ %(paid)s y la tasa es S/ %(fee)s.") % {"paid": note.amount, "fee": payment.amount}
    if note.fee_code != payment.fee.code:
        problems["fee_code"] = _("El pago es de otra tasa (%(code)s).") % {"code": note.fee_code}
    if note.payer_dni != payment.payer_dni:
        problems["payer_dni"] = _("El pago fue hecho por otra persona.")
    return problems


def payment_receipt_register(*, actor: Actor, receipt_number: str, payment_date: dt.date) -> Payment:
    """A receipt paid at the bank, checked with the bank (amount, fee, payer's DNI): it serves once."""
    dni = _require_citizen_dni(actor)
    receipt_number = (receipt_number or "").strip()
    if not receipt_number.isdigit():
        raise ValidationFailed(_("El número de comprobante tiene solo dígitos."),
                               fields={"receipt_number": _("Solo dígitos.")})
    used = _("Este comprobante ya fue usado en otra solicitud.")
    if Payment.objects.filter(receipt_number=receipt_number).exists():
        raise Conflict(used, fields={"receipt_number": used})
    fee = fee_current(on=payment_date)
    try:
        check = banco_nacion.get_client().verify_receipt(receipt_number, payment_date, fee.amount, fee.code, dni)
    except ServiceUnavailable as exc:
        raise ExternalServiceUnavailable(_("El Banco de la Nación no responde. Inténtelo en unos minutos.")) from exc
    except IntegrationError as exc:
        raise ExternalServiceUnavailable(_("El Banco de la Nación respondió de forma inesperada.")) from exc
    if not check.valid or check.receipt is None:
        fields = {name: str(_RECEIPT_FIELD_MESSAGES.get(name, message)) for name, message in check.field_errors.items()}
        raise ValidationFailed(_("El Banco de la Nación no confirma este pago."), fields=fields or {
            "receipt_number": str(_RECEIPT_FIELD_MESSAGES["receipt_number"])})
    return _receipt_payment_save(actor=actor, fee=fee, dni=dni, receipt=check.receipt, used_message=used)


@transaction.atomic
def _receipt_payment_save(*, actor: Actor, fee: Fee, dni: str, receipt: banco_nacion.Receipt, used_message: str) -> Payment:
    paid_at = timezone.make_aware(dt.datetime.combine(receipt.payment_date, dt.time(12)))
    payment = Payment(
        user=actor, payer_dni=dni, fee=fee, amount=receipt.amount, method=Payment.Method.RECEIPT,
        status=Payment.Status.PAID, reference=f"REC-{receipt.receipt_number}", receipt_number=receipt.receipt_number,
        paid_at=paid_at,
    )
    try:
        with transaction.atomic():
            payment.save(force_insert=True)
    except IntegrityError as exc:  # two requests with the same receipt at once: the database decides
        raise Conflict(used_message, fields={"receipt_number": used_message}) from exc
    audit_record(actor=actor, action="pasaporte.payment_receipt", obj=payment,
                 details={"receipt_number": receipt.receipt_number})
    if _open_application(actor=actor, payment=payment) is None:
        raise Conflict(_("Ya tiene una solicitud de pasaporte en curso."), fields={"application": _("En curso.")})
    return payment
