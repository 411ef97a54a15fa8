"""Admin of the mailbox: casillas and notices are read-only (they change only through buzon's services)
and every person shown is audited."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import Casilla, ConsentEvent, Notice


class ConsentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConsentEvent
    extra = 0
    fields = ("kind", "terms_version", "reason", "created_at")
    readonly_fields = fields


@admin.register(Casilla)
class CasillaAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "user", "accepted_at", "revoked_at", "terms_version")
    list_filter = ("revoked_at",)
    inlines = [ConsentInline]
    audit_person_paths = ("person_id",)


@admin.register(Notice)
class NoticeAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "recipient", "status", "record_kind", "record_id", "deposited_at", "read_at",
                    "alert_sent_at")
    list_filter = ("status", "record_kind")
    exclude = ("ack_nonce",)
    audit_person_paths = ("person_id",)
