"""Back-office pages of the RIM for officers: persons with everything recorded about them.

Read-only, and every person shown is audited (auditoria.admin_mixins): the registry is written by
rim.services, which validate and audit each change.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin, ReadOnlyAdminMixin

from .models import (
    Alert,
    CrossingPoint,
    DocumentStatusEvent,
    FamilyLink,
    IdentityDocument,
    Movement,
    Permit,
    Person,
    ResidenceStatus,
    StayExtension,
    Study,
    Workplace,
)
from .normalize import looks_like_document_number, normalize_document_number, normalize_name


class IdentityDocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = IdentityDocument
    extra = 0
    fields = ("kind", "number", "issuing_state", "issue_date", "expiry_date", "status")
    show_change_link = True


class FamilyLinkInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FamilyLink
    fk_name = "person"
    extra = 0


class StudyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Study
    extra = 0


class WorkplaceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Workplace
    extra = 0


class MovementInline(ReadOnlyAdminMixin, admin.TabularInline):
    # Movements are recorded by migratory control, never typed in by hand.
    model = Movement
    extra = 0
    fields = ("occurred_at", "direction", "crossing_point", "channel", "document", "flight", "recorded_by")
    ordering = ("-occurred_at",)


class AlertInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Alert
    extra = 0
    fields = ("source", "kind", "document_number", "active_from", "active_until", "reference")


class ResidenceStatusInline(ReadOnlyAdminMixin, admin.TabularInline):
    # Recorded by rim.services (residence_status_set / _extend): the effects of procedures.
    model = ResidenceStatus
    extra = 0
    fields = ("calidad", "valid_from", "valid_until", "status", "reference", "recorded_by", "created_at")
    readonly_fields = fields


class PermitInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Permit
    extra = 0
    fields = ("kind", "valid_from", "valid_until", "reference", "revoked", "revoked_reason", "recorded_by")
    readonly_fields = fields


class StayExtensionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StayExtension
    extra = 0
    fields = ("entry", "extra_days", "reference", "recorded_by", "created_at")
    readonly_fields = fields


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("full_name", "birth_date", "sex", "nationality", "created_at")
    list_filter = ("nationality", "sex", "documents__kind", "documents__status")
    search_fields = ("search_name",)
    readonly_fields = ("search_name", "created_at", "updated_at")
    show_full_result_count = False  # counting millions of rows on every page is slow
    audit_person_paths = ("id",)
    audit_detail_person_paths = ("family_links__relative_id",)  # relatives are named in the inline
    inlines = (IdentityDocumentInline, ResidenceStatusInline, PermitInline, StayExtensionInline, FamilyLinkInline,
               StudyInline, WorkplaceInline, MovementInline, AlertInline)
    fieldsets = (
        (_("Nombres"), {"fields": ("given_names", "first_surname", "second_surname", "search_name")}),
        (_("Datos personales"), {"fields": ("birth_date", "sex", "nationality", "user")}),
        (_("Rasgos físicos"), {"fields": ("height_cm", "eye_color", "hair_color", "distinguishing_marks")}),
        (_("Registro"), {"fields": ("created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        """A document number finds its holder exactly; a name is compared without accents."""
        if looks_like_document_number(search_term):
            number = normalize_document_number(search_term)
            return queryset.filter(documents__number=number).distinct(), True
        return super().get_search_results(request, queryset, normalize_name(search_term))


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Status changes go through document_set_status (audited, with a reason).
    list_display = ("number", "kind", "issuing_state", "status", "expiry_date", "person")
    list_filter = ("kind", "status", "issuing_state")
    search_fields = ("=number",)
    show_full_result_count = False
    list_select_related = ("person",)


@admin.register(DocumentStatusEvent)
class DocumentStatusEventAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("document", "from_status", "to_status", "reason", "actor_repr", "created_at")
    list_filter = ("to_status",)
    audit_person_paths = ("document__person_id",)


@admin.register(CrossingPoint)
class CrossingPointAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "ubigeo", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


@admin.register(Movement)
class MovementAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "direction", "person", "crossing_point", "channel", "recorded_by")
    list_filter = ("direction", "channel", "crossing_point")
    date_hierarchy = "occurred_at"
    show_full_result_count = False
    list_select_related = ("person", "crossing_point")


@admin.register(Alert)
class AlertAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Alerts are registered and ended by rim.services (alert_create, alert_deactivate), audited.
    list_display = ("source", "kind", "document_number", "search_name", "birth_date", "active_from", "active_until")
    list_filter = ("source", "kind")
    search_fields = ("=document_number", "search_name", "reference")


@admin.register(ResidenceStatus)
class ResidenceStatusAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # A calidad changes only through rim.services (the previous one replaced under a lock, audited).
    list_display = ("person", "calidad", "valid_from", "valid_until", "status", "reference", "created_at")
    list_filter = ("calidad", "status")
    search_fields = ("=reference",)
    show_full_result_count = False
    list_select_related = ("person",)


@admin.register(Permit)
class PermitAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Granted and revoked by rim.services (permit_grant, permit_revoke), audited; control reads them at exit.
    list_display = ("person", "kind", "valid_from", "valid_until", "revoked", "reference", "created_at")
    list_filter = ("kind", "revoked")
    search_fields = ("=reference",)
    show_full_result_count = False
    list_select_related = ("person",)


@admin.register(StayExtension)
class StayExtensionAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "entry", "extra_days", "reference", "recorded_by", "created_at")
    search_fields = ("=reference",)
    show_full_result_count = False
    list_select_related = ("person", "entry")
