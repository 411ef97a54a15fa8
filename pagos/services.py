"""Writes of the payments rail: orders on the bank's page and their signed notification, receipts checked
with Banco de la Nación, refunds, and loading the fee catalogue.

Every service that takes money calls these with its purpose kind (declared in pagos.hooks at start-up)
and the procedure whose fee applies; when a payment is confirmed the purpose's paid-handler runs in
the same transaction. A bank that does not answer leaves a receipt visibly pending (re-checked by a
task), never approved.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auditoria.services import audit_record
from core.actor import Actor, actor_name, is_user
from core.errors import (
    ApplicationError,
    Conflict,
    ExternalServiceUnavailable,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from integraciones import banco_nacion
from integraciones.errors import IntegrationError, InvalidNotification, RequestRejected, ServiceUnavailable
from outbox.services import enqueue_task

from .audit_actions import AuditAction
from . import hooks
from .loader import Catalogue, SyncResult, sync_catalogue
from .models import Fee, Payment, Refund, Uit
from .selectors import fee_amount, fee_for, payment_by_receipt

BANK_ACTOR = "banco_nacion"
VERIFY_TASK = "pagos.tasks.payment_receipt_verify_task"


# The bank names the fields in English; the payer reads which of their data did not match.
_RECEIPT_FIELD_MESSAGES = {
    "receipt_number": gettext_lazy("El número de comprobante no existe en el Banco de la Nación."),
    "payment_date": gettext_lazy("La fecha de pago no coincide con la del comprobante."),
    "fee_code": gettext_lazy("El comprobante corresponde a otra tasa."),
    "payer_dni": gettext_lazy("El comprobante fue pagado por otra persona."),
}


def _bank_unavailable(exc: IntegrationError) -> ExternalServiceUnavailable:
    if isinstance(exc, ServiceUnavailable):
        return ExternalServiceUnavailable(_("El Banco de la Nación no responde. Inténtelo en unos minutos."))
    return ExternalServiceUnavailable(_("El Banco de la Nación respondió de forma inesperada."))


def _purpose_check(purpose_kind: str) -> None:
    if not hooks.purpose_known(purpose_kind):
        raise ValidationFailed(hooks.unknown_purpose_message(purpose_kind), fields={"purpose_kind": purpose_kind})


def _payer_check(document_type: str, document_number: str) -> str:
    number = (document_number or "").strip().upper()
    if document_type not in Payment.DocumentType.values:
        raise ValidationFailed(_("Tipo de documento del pagador desconocido."),
                               fields={"payer_document_type": _("Desconocido.")})
    if not (8 <= len(number) <= 12 and number.isalnum()):
        raise ValidationFailed(_("El documento del pagador tiene de 8 a 12 letras o dígitos."),
                               fields={"payer_document_number": _("Formato no válido.")})
    return number


def _due(fee: Fee, *, on: dt.date, units: int) -> Decimal:
    amount = fee_amount(fee, on=on, units=units)
    if amount <= 0:
        raise ValidationFailed(_("El trámite es gratuito: no hay nada que pagar."), fields={"fee": fee.code})
    return amount


def _used_message(holder: Payment) -> str:
    return _("Este comprobante ya fue usado en: %(service)s.") % {"service": hooks.purpose_label(holder.purpose_kind)}


def _receipt_used_conflict(receipt_number: str) -> Conflict:
    """The refusal of a receipt another payment holds, naming the service that used it."""
    holder = payment_by_receipt(receipt_number)
    message = _used_message(holder) if holder is not None else _("Este comprobante ya fue usado.")
    return Conflict(message, fields={"receipt_number": message},
                    extra={"used_by": hooks.purpose_label(holder.purpose_kind) if holder else ""})


def _new_reference() -> str:
    return f"PAG-{uuid.uuid4().hex[:16].upper()}"


def _save_new(payment: Payment) -> Payment:
    # The unique constraints (bank operation, order, notification) are the database's to decide under
    # concurrency: checked by the INSERT, not by a read before it.
    payment.full_clean(validate_constraints=False)
    payment.save(force_insert=True)
    return payment


# --- orders paid on the bank's page ---------------------------------------------------------------

def payment_order_create(*, actor: Actor, purpose_kind: str, procedure: str, payer_document_type: str,
                         payer_document_number: str, notify_url: str, return_url: str = "", purpose_id: str = "",
                         user=None, units: int = 1) -> Payment:
    """An order at the bank for the fee in force today; a pending order for the same purpose and payer
    is given back rather than duplicated (the bank de-duplicates by our reference, too)."""
    _purpose_check(purpose_kind)
    number = _payer_check(payer_document_type, payer_document_number)
    today = timezone.localdate()
    fee = fee_for(procedure, on=today)
    amount = _due(fee, on=today, units=units)
    pending = (Payment.objects.filter(purpose_kind=purpose_kind, purpose_id=str(purpose_id),
                                      payer_document_number=number, fee=fee, amount=amount,
                                      method=Payment.Method.ORDER, status=Payment.Status.PENDING,
                                      order_id__isnull=False).order_by("-created_at").first())
    if pending is not None:
        return pending
    with transaction.atomic():
        payment = _save_new(Payment(
            purpose_kind=purpose_kind, purpose_id=str(purpose_id), user=user, payer_document_type=payer_document_type,
            payer_document_number=number, fee=fee, amount=amount, method=Payment.Method.ORDER,
            reference=_new_reference()))
    try:
        order = banco_nacion.get_client().create_order(fee.code, amount, number, payment.reference, notify_url,
                                                       return_url=return_url, description=fee.name_es)
    except IntegrationError as exc:
        raise _bank_unavailable(exc) from exc
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.order_id, payment.pay_url = order.order_id, order.pay_url
        payment.save(update_fields=["order_id", "pay_url", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ORDER_CREATE, obj=payment,
                     details={"order_id": order.order_id, "amount": str(amount), "fee": fee.code,
                              "purpose": purpose_kind})
    return payment


@transaction.atomic
def payment_notification_receive(*, body: bytes, signature: str, timestamp: str) -> Payment:
    """Apply the bank's signed notification once, however often and in whatever order it comes.

    A bad signature or a stale timestamp is refused (400) before anything is read or written.
    """
    try:
        note = banco_nacion.verify_notification(body, signature, timestamp, settings.BANCO_NACION_NOTIFY_SECRET)
    except InvalidNotification as exc:
        raise ValidationFailed(exc.message, fields={exc.field or "body": exc.reason}) from exc
    payment = Payment.objects.select_for_update().select_related("fee").filter(order_id=note.order_id).first()
    if payment is None:
        raise NotFound(_("La orden de pago no existe."), fields={"order_id": note.order_id})
    if payment.status != Payment.Status.PENDING:
        return payment  # a repeat: the first notification already did the work
    problems = _notification_mismatches(payment, note)
    if problems:
        audit_record(actor=BANK_ACTOR, action=AuditAction.REFUSED, obj=payment, details=problems)
        raise ValidationFailed(_("El pago no corresponde a la orden."), fields=problems)
    payment.status, payment.receipt_number = Payment.Status.PAID, note.receipt_number
    payment.receipt_date = timezone.localdate(note.paid_at)
    payment.notification_id, payment.paid_at = note.notification_id, note.paid_at
    try:
        with transaction.atomic():
            payment.save(update_fields=["status", "receipt_number", "receipt_date", "notification_id", "paid_at",
                                        "updated_at"])
    except IntegrityError as exc:
        raise _receipt_used_conflict(note.receipt_number) from exc
    audit_record(actor=BANK_ACTOR, action=AuditAction.PAID, obj=payment,
                 details={"receipt_number": note.receipt_number, "notification_id": note.notification_id})
    _paid_apply(actor=BANK_ACTOR, payment=payment, strict=False)
    return payment


def _notification_mismatches(payment: Payment, note: banco_nacion.PaymentNotification) -> dict[str, str]:
    problems: dict[str, str] = {}
    if Decimal(note.amount) != payment.amount:
        problems["amount"] = _("Se pagó S/ %(paid)s y la tasa es S/ %(fee)s.") % {"paid": note.amount,
                                                                               "fee": payment.amount}
    if note.fee_code != payment.fee.code:
        problems["fee_code"] = _("El pago es de otra tasa (%(code)s).") % {"code": note.fee_code}
    if note.payer_dni != payment.payer_document_number:
        problems["payer_dni"] = _("El pago fue hecho por otra persona.")
    return problems


def _paid_apply(*, actor: Actor, payment: Payment, strict: bool) -> None:
    """The purpose's next step, in this transaction. `strict`: its refusal undoes the payment (a receipt
    typed now, the person sees why and may use it later); otherwise the bank already has the money, so
    the payment stays paid, with the reason, for a refund."""
    try:
        if strict:
            record_id = hooks.paid_handler_run(actor=actor, payment=payment)
        else:
            with transaction.atomic():
                record_id = hooks.paid_handler_run(actor=actor, payment=payment)
    except ApplicationError as exc:
        if strict:
            raise
        payment.status_reason = (_("Pagado; el servicio no pudo continuar: %(reason)s") % {"reason": exc.message})[:300]
        payment.save(update_fields=["status_reason", "updated_at"])
        audit_record(actor=actor, action=AuditAction.HANDLER_FAILED, obj=payment, details={"error": exc.code})
        return
    if record_id and record_id != payment.purpose_id:
        payment.purpose_id = record_id
        payment.save(update_fields=["purpose_id", "updated_at"])


# --- receipts paid at the bank --------------------------------------------------------------------

def payment_receipt_register(*, actor: Actor, purpose_kind: str, procedure: str, payer_document_type: str,
                             payer_document_number: str, receipt_number: str, payment_date: dt.date,
                             purpose_id: str = "", user=None, units: int = 1) -> Payment:
    """A receipt paid at the bank, matched with the bank on code, amount, payer document and date.

    Refused with the reason for another amount, another person or another date; refused naming the
    service for a receipt already used (the database's unique constraint settles a race). When the bank
    does not answer, the payment is kept PENDING and checked again by a task: never approved unchecked.
    """
    _purpose_check(purpose_kind)
    number = _payer_check(payer_document_type, payer_document_number)
    receipt_number = (receipt_number or "").strip()
    if not receipt_number.isdigit() or len(receipt_number) > 20:
        raise ValidationFailed(_("El número de comprobante tiene solo dígitos."),
                               fields={"receipt_number": _("Solo dígitos.")})
    fee = fee_for(procedure, on=payment_date)
    amount = _due(fee, on=payment_date, units=units)
    if payment_by_receipt(receipt_number) is not None:
        raise _receipt_used_conflict(receipt_number)
    payment = Payment(
        purpose_kind=purpose_kind, purpose_id=str(purpose_id), user=user, payer_document_type=payer_document_type,
        payer_document_number=number, fee=fee, amount=amount, method=Payment.Method.RECEIPT,
        reference=_new_reference(), receipt_number=receipt_number, receipt_date=payment_date)
    try:
        check = banco_nacion.get_client().verify_receipt(receipt_number, payment_date, amount, fee.code, number)
    except RequestRejected as exc:
        raise ValidationFailed(_("El Banco de la Nación rechazó la consulta: %(reason)s") % {"reason": exc.message},
                               fields={exc.field or "receipt_number": exc.message}) from exc
    except IntegrationError:  # no answer or an answer that makes no sense: checked again later
        return _receipt_pending_save(actor=actor, payment=payment)
    refusal = _receipt_refusal(check, payment)
    if refusal:
        raise ValidationFailed(_("El Banco de la Nación no confirma este pago."), fields=refusal)
    return _receipt_paid_save(actor=actor, payment=payment)


def _receipt_refusal(check: banco_nacion.ReceiptCheck, payment: Payment) -> dict[str, str]:
    """Why the bank's answer does not match what the payer typed and the fee asks ({} when it does)."""
    amount_message = _("El monto pagado no corresponde a la tasa %(code)s (S/ %(amount)s).") % {
        "code": payment.fee.code, "amount": payment.amount}
    if not check.valid or check.receipt is None:
        fields = {name: str(_RECEIPT_FIELD_MESSAGES.get(name, message)) for name, message in check.field_errors.items()}
        if "amount" in fields:
            fields["amount"] = amount_message
        return fields or {"receipt_number": str(_RECEIPT_FIELD_MESSAGES["receipt_number"])}
    receipt, fields = check.receipt, {}
    # The bank said valid: its receipt must still be this code, amount, payer and date, field by field.
    if receipt.receipt_number != payment.receipt_number:
        fields["receipt_number"] = str(_RECEIPT_FIELD_MESSAGES["receipt_number"])
    if receipt.fee_code != payment.fee.code:
        fields["fee_code"] = str(_RECEIPT_FIELD_MESSAGES["fee_code"])
    if receipt.amount != payment.amount:
        fields["amount"] = amount_message
    if receipt.payer_dni != payment.payer_document_number:
        fields["payer_dni"] = str(_RECEIPT_FIELD_MESSAGES["payer_dni"])
    if receipt.payment_date != payment.receipt_date:
        fields["payment_date"] = str(_RECEIPT_FIELD_MESSAGES["payment_date"])
    return fields


def _insert_holding_receipt(payment: Payment) -> None:
    try:
        with transaction.atomic():
            _save_new(payment)
    except IntegrityError as exc:  # another service took the receipt a moment ago: the database decided
        raise _receipt_used_conflict(payment.receipt_number) from exc


@transaction.atomic
def _receipt_paid_save(*, actor: Actor, payment: Payment) -> Payment:
    payment.status = Payment.Status.PAID
    payment.paid_at = timezone.make_aware(dt.datetime.combine(payment.receipt_date, dt.time(12)))
    _insert_holding_receipt(payment)
    audit_record(actor=actor, action=AuditAction.PAID, obj=payment,
                 details={"receipt_number": payment.receipt_number, "purpose": payment.purpose_kind})
    _paid_apply(actor=actor, payment=payment, strict=True)
    return payment


@transaction.atomic
def _receipt_pending_save(*, actor: Actor, payment: Payment) -> Payment:
    payment.status = Payment.Status.PENDING
    payment.status_reason = _("El Banco de la Nación no responde: el comprobante se verificará en cuanto responda.")
    _insert_holding_receipt(payment)
    audit_record(actor=actor, action=AuditAction.RECEIPT_PENDING, obj=payment,
                 details={"receipt_number": payment.receipt_number, "purpose": payment.purpose_kind})
    enqueue_task(VERIFY_TASK, kwargs={"payment_id": payment.pk})
    return payment


def payment_receipt_verify(*, payment_id: int, actor: Actor = BANK_ACTOR) -> Payment:
    """Check again a receipt the bank did not answer for: paid, refused with the reason, or still pending.

    Raises ExternalServiceUnavailable while the bank is still down (the task retries); run twice, the
    second run finds the payment decided and does nothing.
    """
    payment = Payment.objects.select_related("fee").get(pk=payment_id)
    if payment.status != Payment.Status.PENDING or payment.method != Payment.Method.RECEIPT:
        return payment
    try:
        check = banco_nacion.get_client().verify_receipt(payment.receipt_number, payment.receipt_date,
                                                         payment.amount, payment.fee.code,
                                                         payment.payer_document_number)
    except IntegrationError as exc:
        raise _bank_unavailable(exc) from exc
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("fee").get(pk=payment_id)
        if payment.status != Payment.Status.PENDING:
            return payment
        refusal = _receipt_refusal(check, payment)
        if refusal:
            payment.status = Payment.Status.REFUSED
            payment.status_reason = "; ".join(refusal.values())[:300]
            payment.save(update_fields=["status", "status_reason", "updated_at"])
            audit_record(actor=actor, action=AuditAction.REFUSED, obj=payment, details={"fields": sorted(refusal)})
            return payment
        payment.status, payment.status_reason = Payment.Status.PAID, ""
        payment.paid_at = timezone.make_aware(dt.datetime.combine(payment.receipt_date, dt.time(12)))
        payment.save(update_fields=["status", "status_reason", "paid_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.PAID, obj=payment,
                     details={"receipt_number": payment.receipt_number, "purpose": payment.purpose_kind})
        _paid_apply(actor=actor, payment=payment, strict=False)
    return payment


def payments_pending_receipts(*, older_than_s: float = 60.0) -> list[int]:
    """Ids of receipts still waiting for the bank (for the beat that checks them again)."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_s)
    return list(Payment.objects.filter(method=Payment.Method.RECEIPT, status=Payment.Status.PENDING,
                                       updated_at__lt=cutoff).values_list("pk", flat=True)[:500])


# --- refunds --------------------------------------------------------------------------------------

@transaction.atomic
def payment_refund(*, actor: Actor, payment_id: int, reason: str, amount: Decimal | None = None) -> Refund:
    """Record money given back for a paid payment (the whole of it unless `amount`), with its reason.

    Only a holder of pagos.refund_payment (supervisors) or a system actor may refund; the total refunded
    never passes what was paid; a payment refunded in full is REFUNDED (its receipt stays used).
    """
    if is_user(actor) and not actor.has_perm("pagos.refund_payment"):
        raise PermissionDenied(_("Su rol no permite devolver pagos."), fields={"actor": _("Sin permiso.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Indique el motivo de la devolución."), fields={"reason": _("Obligatorio.")})
    payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("El pago no existe."), fields={"payment": str(payment_id)})
    if payment.status != Payment.Status.PAID:
        raise Conflict(_("Solo se devuelve un pago confirmado (este está «%(status)s»).")
                       % {"status": payment.get_status_display()}, fields={"status": payment.status})
    refunded = sum((r.amount for r in payment.refunds.all()), Decimal("0.00"))
    remaining = payment.amount - refunded
    amount = remaining if amount is None else Decimal(amount)
    if amount <= 0 or amount > remaining:
        raise ValidationFailed(_("El monto a devolver debe ser mayor que cero y a lo más S/ %(left)s.")
                               % {"left": remaining}, fields={"amount": str(amount)})
    refund = Refund(payment=payment, amount=amount, reason=reason[:300], actor_repr=actor_name(actor))
    refund.full_clean()
    refund.save()
    if amount == remaining:
        payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.REFUND, obj=payment,
                 details={"refund": refund.pk, "amount": str(amount), "reason": reason[:300]})
    if payment.user_id is not None:
        _refund_notice(payment, refund)
    return refund


def _refund_notice(payment: Payment, refund: Refund) -> None:
    """The payer is told of the refund in their casilla (or by e-mail with acknowledgement): buzon."""
    from django.utils import translation

    from buzon.services import notice_deposit

    texts = {}
    for language in ("es", "en"):
        with translation.override(language):
            values = {"reference": payment.reference, "amount": refund.amount, "reason": refund.reason}
            texts[language] = (
                _("Devolución de su pago %(reference)s") % values,
                _("MIGRACIONES le devuelve S/ %(amount)s de su pago %(reference)s. Motivo: %(reason)s. "
                  "El Banco de la Nación le indicará cómo cobrarlo.") % values,
            )
    notice_deposit(recipient=payment.user, title=texts["es"][0], body=texts["es"][1], title_en=texts["en"][0],
                   body_en=texts["en"][1], record_kind="pagos.payment", record_id=payment.pk,
                   expediente=payment.reference, actor="system:pagos")


# --- the catalogue --------------------------------------------------------------------------------

@transaction.atomic
def catalogue_load(*, actor: Actor, catalogue: Catalogue) -> SyncResult:
    """Load the fee catalogue file into the rows (idempotent; audited when it changed something)."""
    result = sync_catalogue(catalogue, fee_model=Fee, uit_model=Uit, strict=True)
    if result.changed:
        audit_record(actor=actor, action=AuditAction.CATALOGUE_LOAD, object_type="pagos.fee",
                     object_id=catalogue.source_file, details={
                         "fees_created": result.fees_created, "fees_updated": result.fees_updated,
                         "uits_created": result.uits_created, "uits_updated": result.uits_updated})
    return result
