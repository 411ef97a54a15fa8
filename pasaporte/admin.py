"""Back-office admin: read-only, audited views of applications (fees and payments: pagos)."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import Application


@admin.register(Application)
class ApplicationAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # An application moves only through pasaporte's services (validation, enrollment, delivery).
    list_display = ("pk", "dni", "status", "office", "created_at")
    list_filter = ("status", "office")
    audit_person_paths = ("person_id", "user__person__id")
