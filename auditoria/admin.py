"""The audit log in the admin: read-only, and reading it is itself audited (it tells who looked at whom)."""
from django.contrib import admin

from .admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "created_at", "actor_repr", "kind", "action", "object_type", "object_id", "purpose")
    list_filter = ("kind", "action")
    search_fields = ("actor_repr", "action", "object_id", "purpose")
    show_full_result_count = False
    audit_person_paths = ("person_id",)
