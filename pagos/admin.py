"""Admin of the payments rail: fees and UITs are data (writes audited; the catalogue file is the source,
see pagos_load), payments and refunds are read-only and every person shown is audited."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin, ReadOnlyAdminMixin

from .models import Fee, Payment, Refund, Uit


@admin.register(Fee)
class FeeAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("code", "procedure", "name_es", "amount", "uit_percent", "per", "valid_from", "valid_to")
    list_filter = ("code", "per")
    search_fields = ("code", "procedure", "name_es", "name_en")


@admin.register(Uit)
class UitAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("year", "amount", "legal_basis")


@admin.register(Payment)
class PaymentAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # A payment changes only through pagos' services (the bank's notification, a receipt check, a refund).
    list_display = ("reference", "purpose_kind", "purpose_id", "payer_document_number", "method", "status",
                    "receipt_number", "amount")
    list_filter = ("status", "method", "purpose_kind")
    audit_person_paths = ("user__person__id",)


@admin.register(Refund)
class RefundAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("payment", "amount", "reason", "actor_repr", "created_at")
    audit_person_paths = ("payment__user__person__id",)
