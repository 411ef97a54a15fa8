"""Back office for control: crossings, checks and pre-registrations (read-only, audited), travel
permits (registered through control's service); the fee table is pagos'."""
from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin, ReadOnlyAdminMixin

from core.errors import ApplicationError

from .models import Check, Crossing, OfficerPost, PreRegistration, TravelPermit
from .services import travel_permit_create


class CheckInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Check
    extra = 0
    fields = ("position", "name", "result", "required", "reason", "ms")


@admin.register(Crossing)
class CrossingAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Decisions are evidence: recorded by the service, never edited by hand.
    list_display = ("created_at", "crossing_point", "channel", "direction", "decision", "review", "document_number")
    list_filter = ("decision", "review", "channel", "direction", "crossing_point")
    search_fields = ("document_number", "surnames", "transaction_id")
    list_select_related = ("crossing_point",)
    inlines = [CheckInline]


@admin.register(TravelPermit)
class TravelPermitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A permit is added through travel_permit_create (validated and audited) and then only viewed.

    It names a minor who may not be in the RIM: reads are audited without a person."""

    list_display = ("minor_name", "minor_document_number", "reference", "valid_from", "valid_until", "revoked")
    search_fields = ("minor_document_number", "minor_name", "reference")
    exclude = ("revoked",)
    audit_person_paths = ()

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ApplicationError as exc:  # the service's own rules (a minor's age): nothing was saved
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in (
            "minor_document_number", "minor_issuing_state", "minor_birth_date", "minor_name", "granted_by",
            "reference", "valid_from", "valid_until", "companion", "destination")}
        permit = travel_permit_create(actor=request.user, **data)
        obj.pk, obj.created_at = permit.pk, permit.created_at
        obj._state.adding = False


@admin.register(PreRegistration)
class PreRegistrationAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Made by the traveller on MigraCheck; its sealed chip photo and face encoding never show here.
    list_display = ("created_at", "document_number", "issuing_state", "flight", "flight_at", "status")
    exclude = ("encoding_sealed", "encoding_key_id", "dg2_key_id", "dg2_sealed")
    audit_person_paths = ("user__person__id",)


@admin.register(OfficerPost)
class OfficerPostAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    """Where each officer and supervisor works: their control pages act on that crossing point only."""

    list_display = ("user", "crossing_point", "assigned_by", "assigned_at")
    list_select_related = ("user", "crossing_point")
    search_fields = ("user__username",)
    exclude = ("assigned_by",)

    def save_model(self, request, obj, form, change):
        obj.assigned_by = str(request.user)[:200]
        super().save_model(request, obj, form, change)
