"""Admin: enrollments and duplicate cases by status; biometric blobs are never shown here."""
from django.contrib import admin

from .models import DuplicateCase, Enrollment


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("id", "person", "document_kind", "status", "created_at")
    list_filter = ("status", "document_kind")
    fields = ("person", "document_kind", "status", "face_quality", "created_by", "created_at")
    readonly_fields = fields  # status changes go through the services, with their events and audit

    def has_add_permission(self, request):
        return False


@admin.register(DuplicateCase)
class DuplicateCaseAdmin(admin.ModelAdmin):
    list_display = ("id", "enrollment", "matched_enrollment", "face_score", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = ("enrollment", "matched_enrollment", "face_score", "finger_scores", "status", "decided_by",
                       "decided_at", "reason")

    def has_add_permission(self, request):
        return False
