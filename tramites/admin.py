"""Admin of tramites: cases are read-only (they change only through their transitions) and every person
shown is audited; the catalogue's versions are read-only too (they change through tramites_load)."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin, ReadOnlyAdminMixin

from .models import CarneRequest, Case, CaseAct, CaseEvent, CaseFile, Observation, ProcedureType


@admin.register(ProcedureType)
class ProcedureTypeAdmin(AuditedWritesAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "version", "name_es", "active", "loaded_at")
    list_filter = ("active",)


class _ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class CaseEventInline(_ReadOnlyInline):
    model = CaseEvent
    fields = ("created_at", "transition", "from_status", "to_status", "actor_repr", "reason")


class CaseFileInline(_ReadOnlyInline):
    model = CaseFile
    fields = ("key", "name", "kind", "size", "pages", "sha256", "replaced", "uploaded_at")


class ObservationInline(_ReadOnlyInline):
    model = Observation
    fields = ("kind", "text", "term_business_days", "extension_days", "answered_at", "created_by")


class CaseActInline(_ReadOnlyInline):
    model = CaseAct
    fields = ("kind", "document", "notice", "created_at")


@admin.register(Case)
class CaseAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "procedure", "status", "office", "due_on", "filed_at")
    list_filter = ("status", "office", "procedure__code")
    search_fields = ("number",)
    exclude = ("submit_key",)
    inlines = [CaseEventInline, CaseFileInline, ObservationInline, CaseActInline]
    audit_person_paths = ("person_id",)


@admin.register(CarneRequest)
class CarneRequestAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "reason", "calidad", "created_at", "fulfilled_at")
    list_filter = ("reason",)
    audit_person_paths = ("person_id",)
