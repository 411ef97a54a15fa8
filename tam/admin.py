"""Back office for the TAM: look-up only (a TAM is evidence, issued by control), each read audited."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import Tam


@admin.register(Tam)
class TamAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "occurred_at", "direction", "document_number", "nationality", "crossing_point_code")
    search_fields = ("number", "document_number", "surnames")
    audit_person_paths = ("crossing__person_id",)
