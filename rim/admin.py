"""Back-office pages of the RIM for officers: persons with everything recorded about them."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Alert,
    CrossingPoint,
    DocumentStatusEvent,
    FamilyLink,
    IdentityDocument,
    Movement,
    Person,
    Study,
    Workplace,
)
from .normalize import looks_like_document_number, normalize_document_number, normalize_name


class IdentityDocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0
    fields = ("kind", "number", "issuing_state", "issue_date", "expiry_date", "status")
    # Status changes go through document_set_status (audited, with a reason), not a form field.
    readonly_fields = ("status",)
    show_change_link = True


class FamilyLinkInline(admin.TabularInline):
    model = FamilyLink
    fk_name = "person"
    extra = 0
    raw_id_fields = ("relative",)


class StudyInline(admin.TabularInline):
    model = Study
    extra = 0


class WorkplaceInline(admin.TabularInline):
    model = Workplace
    extra = 0


class MovementInline(admin.TabularInline):
    model = Movement
    extra = 0
    can_delete = False
    fields = ("occurred_at", "direction", "crossing_point", "channel", "document", "flight", "recorded_by")
    readonly_fields = fields
    ordering = ("-occurred_at",)

    def has_add_permission(self, request, obj=None) -> bool:
        # Movements are recorded by migratory control, never typed in by hand.
        return False


class AlertInline(admin.TabularInline):
    model = Alert
    extra = 0
    fields = ("source", "kind", "document_number", "active_from", "active_until", "reference")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "birth_date", "sex", "nationality", "created_at")
    list_filter = ("nationality", "sex", "documents__kind", "documents__status")
    search_fields = ("search_name",)
    readonly_fields = ("search_name", "created_at", "updated_at")
    raw_id_fields = ("user",)
    show_full_result_count = False  # counting millions of rows on every page is slow
    inlines = (IdentityDocumentInline, FamilyLinkInline, StudyInline, WorkplaceInline, MovementInline, AlertInline)
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

    def save_model(self, request, obj, form, change):
        # Keep the search form in step with names edited here.
        obj.search_name = normalize_name(f"{obj.given_names} {obj.first_surname} {obj.second_surname}")
        super().save_model(request, obj, form, change)


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "issuing_state", "status", "expiry_date", "person")
    list_filter = ("kind", "status", "issuing_state")
    search_fields = ("=number",)
    raw_id_fields = ("person",)
    readonly_fields = ("status",)
    show_full_result_count = False


@admin.register(DocumentStatusEvent)
class DocumentStatusEventAdmin(admin.ModelAdmin):
    list_display = ("document", "from_status", "to_status", "reason", "actor_repr", "created_at")
    list_filter = ("to_status",)
    readonly_fields = ("document", "from_status", "to_status", "reason", "actor_repr", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CrossingPoint)
class CrossingPointAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "ubigeo", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "direction", "person", "crossing_point", "channel", "recorded_by")
    list_filter = ("direction", "channel", "crossing_point")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("person", "document")
    show_full_result_count = False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "document_number", "search_name", "birth_date", "active_from", "active_until")
    list_filter = ("source", "kind")
    search_fields = ("=document_number", "search_name", "reference")
    raw_id_fields = ("person",)
