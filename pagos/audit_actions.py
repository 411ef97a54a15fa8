"""The audit action names of pagos: its one registry (auditoria refuses pagos.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="pagos"):
    ORDER_CREATE = "pagos.payment_order_create"
    PAID = "pagos.payment_paid"
    REFUSED = "pagos.payment_refused"
    RECEIPT_PENDING = "pagos.payment_receipt_pending"
    HANDLER_FAILED = "pagos.payment_handler_failed"
    REFUND = "pagos.payment_refund"
    CATALOGUE_LOAD = "pagos.catalogue_load"
