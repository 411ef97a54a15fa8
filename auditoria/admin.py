from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "actor_repr", "kind", "action", "object_type", "object_id", "purpose")
    list_filter = ("kind", "action")
    search_fields = ("actor_repr", "action", "object_id", "purpose")

    # The log is append-only: nobody edits or deletes through the admin either.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
