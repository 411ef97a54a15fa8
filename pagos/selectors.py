"""Reads of the payments rail: the fee in force for a procedure on a date, its amount in soles, the UIT,
a purpose's payments."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, NotFound, ValidationFailed

from .models import Fee, Payment, Uit

CENT = Decimal("0.01")


class FeeNotInForce(NotFound):
    """No fee of the procedure is in force on the date asked (before the first, after the last, or none)."""

    code = "fee_not_in_force"


class UitNotLoaded(ApplicationError):
    """A fee set in UIT for a year whose UIT was not loaded: nothing is computed with another year's."""

    status, code = 503, "uit_not_loaded"


def _in_force(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def fee_for(procedure: str, *, on: dt.date | None = None) -> Fee:
    """The fee a procedure pays on a date (today in Lima by default); FeeNotInForce names the date."""
    on = on or timezone.localdate()
    fee = Fee.objects.filter(_in_force(on), procedure=procedure).order_by("-valid_from").first()
    if fee is None:
        known = Fee.objects.filter(procedure=procedure).exists()
        message = (_("La tasa de «%(procedure)s» no está vigente el %(date)s.") if known
                   else _("No hay una tasa para el procedimiento «%(procedure)s»."))
        raise FeeNotInForce(message % {"procedure": procedure, "date": on.strftime("%d/%m/%Y")},
                            fields={"fee": procedure}, extra={"procedure": procedure, "on": on.isoformat()})
    return fee


def fees_in_force(*, on: dt.date | None = None) -> QuerySet[Fee]:
    """Every fee in force on a date, by code and procedure."""
    return Fee.objects.filter(_in_force(on or timezone.localdate())).order_by("code", "procedure")


def uit_for(year: int) -> Uit:
    uit = Uit.objects.filter(year=year).first()
    if uit is None:
        raise UitNotLoaded(_("El valor de la UIT de %(year)s no está cargado: cárguelo con «manage.py pagos_load».")
                           % {"year": year}, extra={"year": year})
    return uit


def fee_amount(fee: Fee, *, on: dt.date | None = None, units: int = 1) -> Decimal:
    """Soles due for a fee on a date: its amount, or its UIT percentage with the UIT of that year; per-day
    or per-month fees times `units` (days or months), a per-event fee once (units must be 1)."""
    on = on or timezone.localdate()
    if isinstance(units, bool) or not isinstance(units, int) or units < 0:
        raise ValidationFailed(_("La cantidad debe ser un entero no negativo."), fields={"units": str(units)})
    if fee.per == Fee.Per.EVENT and units != 1:
        raise ValidationFailed(_("La tasa %(code)s se paga una vez por trámite.") % {"code": fee.code},
                               fields={"units": str(units)})
    unit = fee.amount if fee.amount is not None else uit_for(on.year).amount * fee.uit_percent / Decimal(100)
    return (unit * units).quantize(CENT, rounding=ROUND_HALF_UP)


def payment_for_record(kind: str, record_id: str | int) -> Payment | None:
    """The payment that paid a record (the latest paid or refunded one), if any."""
    return (Payment.objects.filter(purpose_kind=kind, purpose_id=str(record_id))
            .exclude(status__in=[Payment.Status.PENDING, Payment.Status.REFUSED])
            .select_related("fee").order_by("-paid_at", "-id").first())


def payment_pending(*, purpose_kind: str, user=None, payer_document_number: str = "") -> Payment | None:
    """A payment of that kind still waiting for the bank (an order not paid, a receipt not yet checked)."""
    rows = Payment.objects.filter(purpose_kind=purpose_kind, status=Payment.Status.PENDING)
    if user is not None:
        rows = rows.filter(user=user)
    if payer_document_number:
        rows = rows.filter(payer_document_number=payer_document_number)
    if user is None and not payer_document_number:
        return None
    return rows.select_related("fee").order_by("-created_at", "-id").first()


def payment_is_confirmed(payment: Payment) -> bool:
    """Paid, for the whole amount the fee asked on the payment's date (what a service checks before acting)."""
    if payment.status != Payment.Status.PAID:
        return False
    on = payment.receipt_date or (timezone.localdate(payment.paid_at) if payment.paid_at else timezone.localdate())
    if payment.fee.per != Fee.Per.EVENT:
        return payment.amount > 0
    try:
        return payment.amount == fee_amount(payment.fee, on=on)
    except ApplicationError:
        return False


def payment_by_receipt(receipt_number: str) -> Payment | None:
    """Who holds a bank operation number (any service), refused checks aside."""
    return Payment.objects.filter(receipt_number=receipt_number).exclude(status=Payment.Status.REFUSED).first()
