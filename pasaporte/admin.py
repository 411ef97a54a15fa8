"""Back-office admin for slots (data) and read-only, audited views of applications (fees and payments: pagos)."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin, ReadOnlyAdminMixin

from .models import Application, Slot


@admin.register(Application)
class ApplicationAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # An application moves only through pasaporte's services (validation, enrollment, delivery).
    list_display = ("pk", "dni", "status", "office", "created_at")
    list_filter = ("status", "office")
    audit_person_paths = ("person_id", "user__person__id")


@admin.register(Slot)
class SlotAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("office", "starts_at", "capacity", "booked")
    list_filter = ("office",)
