"""Back office for e-gates: the devices' last states (no personal data; changes are audited)."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedWritesAdminMixin

from .models import GateStatus


@admin.register(GateStatus)
class GateStatusAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("device", "state", "reported_at", "software_version", "message")
