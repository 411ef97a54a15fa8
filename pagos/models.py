"""The payments rail: the TUPA fee catalogue (versioned by date), the UIT per year, payments by order or
receipt for one purpose of any service, and refunds."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Uit(models.Model):
    """The Unidad Impositiva Tributaria of a year, fixed by decree: fees and fines set in UIT use it."""

    year = models.PositiveSmallIntegerField(_("año"), unique=True)
    amount = models.DecimalField(_("importe (S/)"), max_digits=10, decimal_places=2)
    legal_basis = models.CharField(_("base legal"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("valor de la UIT")
        verbose_name_plural = _("valores de la UIT")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pagos_uit_amount_positive")]

    def __str__(self) -> str:
        return f"UIT {self.year}: S/ {self.amount}"


class Fee(models.Model):
    """One amount of one TUPA code for one procedure, in force from a date (to a date, when replaced).

    A code may serve several procedures at different amounts (07561: S/ 20.20 for a duplicate carné,
    S/ 15.10 for a movement certificate), so a row is per (code, procedure, valid_from). The amount is
    in soles or a percentage of the UIT of the year, per event, per day or per month (fines).
    """

    class Per(models.TextChoices):
        EVENT = "EVENT", _("por trámite")
        DAY = "DAY", _("por día")
        MONTH = "MONTH", _("por mes")

    code = models.CharField(_("código TUPA"), max_length=30, db_index=True)
    procedure = models.CharField(_("procedimiento"), max_length=60, db_index=True)
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200)
    amount = models.DecimalField(_("monto (S/)"), max_digits=9, decimal_places=2, null=True, blank=True)
    uit_percent = models.DecimalField(_("% de la UIT"), max_digits=7, decimal_places=4, null=True, blank=True)
    per = models.CharField(_("unidad"), max_length=5, choices=Per.choices, default=Per.EVENT)
    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)
    notes = models.CharField(_("fuente o nota"), max_length=300, blank=True)

    class Meta:
        ordering = ["code", "procedure", "-valid_from"]
        verbose_name = _("tasa")
        verbose_name_plural = _("tasas")
        constraints = [
            models.UniqueConstraint(fields=["code", "procedure", "valid_from"], name="pagos_fee_code_procedure_from"),
            # Exactly one of soles or UIT percentage; a free procedure is S/ 0.00.
            models.CheckConstraint(
                condition=(Q(amount__isnull=False, amount__gte=0, uit_percent__isnull=True)
                           | Q(amount__isnull=True, uit_percent__gt=0)),
                name="pagos_fee_soles_or_uit",
            ),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="pagos_fee_validity_ordered"),
        ]

    def __str__(self) -> str:
        value = f"S/ {self.amount}" if self.amount is not None else f"{self.uit_percent} % UIT"
        return f"{self.code} {self.procedure} {value}"


class Payment(models.Model):
    """A payment for one purpose (a passport application, a case, a fine): an order paid on the bank's
    page (confirmed by its signed notification) or a receipt paid at the bank (checked with it).

    The bank's operation number (`receipt_number`) is unique across every service: a receipt serves
    once. A refused receipt frees its number (the person may type it again for the right procedure).
    """

    class Method(models.TextChoices):
        ORDER = "ORDER", _("orden de pago en línea")
        RECEIPT = "RECEIPT", _("comprobante del banco")

    class Status(models.TextChoices):
        PENDING = "PENDING", _("pendiente de pago")
        PAID = "PAID", _("pagado")
        REFUSED = "REFUSED", _("rechazado por el banco")
        REFUNDED = "REFUNDED", _("devuelto")

    class DocumentType(models.TextChoices):
        DNI = "DNI", _("DNI")
        CE = "CE", _("Carné de extranjería")
        PTP = "PTP", _("PTP")
        CPP = "CPP", _("CPP")
        PASAPORTE = "PASAPORTE", _("Pasaporte")

    purpose_kind = models.CharField(_("tipo de propósito"), max_length=40)
    purpose_id = models.CharField(_("registro del propósito"), max_length=40, blank=True, default="")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="payments")
    payer_document_type = models.CharField(_("tipo de documento del pagador"), max_length=10,
                                           choices=DocumentType.choices)
    payer_document_number = models.CharField(_("documento del pagador"), max_length=20)
    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("monto (S/)"), max_digits=9, decimal_places=2)
    method = models.CharField(_("medio"), max_length=8, choices=Method.choices)
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(_("motivo"), max_length=300, blank=True)
    reference = models.CharField(_("referencia del portal"), max_length=40, unique=True)
    order_id = models.CharField(_("orden del banco"), max_length=40, null=True, blank=True, unique=True)
    pay_url = models.URLField(_("página de pago"), max_length=300, blank=True)
    receipt_number = models.CharField(_("número de operación del banco"), max_length=20, null=True, blank=True)
    receipt_date = models.DateField(_("fecha de pago"), null=True, blank=True)
    notification_id = models.CharField(_("notificación del banco"), max_length=64, null=True, blank=True, unique=True)
    paid_at = models.DateTimeField(_("pagado el"), null=True, blank=True)
    created_at = models.DateTimeField(_("creado el"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado el"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")
        indexes = [models.Index(fields=["purpose_kind", "purpose_id"], name="pagos_payment_purpose_idx"),
                   models.Index(fields=["payer_document_number", "status"], name="pagos_payment_payer_idx")]
        permissions = [("refund_payment", _("Puede devolver un pago"))]
        constraints = [
            # The bank's operation number serves once across every service (the race is settled here).
            models.UniqueConstraint(fields=["receipt_number"], condition=~Q(status="REFUSED"),
                                    name="pagos_receipt_used_once"),
            models.CheckConstraint(
                condition=Q(status__in=["PENDING", "REFUSED"]) | Q(receipt_number__isnull=False),
                name="pagos_paid_has_receipt",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pagos_payment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"


class Refund(models.Model):
    """Money given back for a payment, with its reason and who decided it (append-only)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("monto (S/)"), max_digits=9, decimal_places=2)
    reason = models.CharField(_("motivo"), max_length=300)
    actor_repr = models.CharField(_("registrado por"), max_length=200)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("devolución")
        verbose_name_plural = _("devoluciones")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pagos_refund_amount_positive")]
