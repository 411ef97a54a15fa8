"""Admin: enrollments and review cases by status, read-only and audited; biometric blobs are never shown here."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin

from .models import DuplicateCase, Enrollment


@admin.register(Enrollment)
class EnrollmentAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Status changes go through the services, with their events and audit.
    list_display = ("id", "person", "document_kind", "status", "created_at")
    list_filter = ("status", "document_kind")
    fields = ("person", "document_kind", "status", "face_quality", "created_by", "created_at")
    readonly_fields = fields
    list_select_related = ("person",)


@admin.register(DuplicateCase)
class DuplicateCaseAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Decided by an officer through biometria's review service, never here.
    list_display = ("id", "enrollment", "matched_enrollment", "face_score", "status", "created_at")
    list_filter = ("status",)
    fields = ("enrollment", "matched_enrollment", "face_score", "finger_scores", "status", "decided_by",
              "decided_at", "reason")
    readonly_fields = fields
    audit_person_paths = ("enrollment__person_id", "matched_enrollment__person_id")
