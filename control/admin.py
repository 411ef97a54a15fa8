"""Back office for control: crossings and checks (read-only), travel permits, the fee table."""
from django.contrib import admin

from .models import Check, Crossing, FeeRule, PreRegistration, TravelPermit, UitValue


class CheckInline(admin.TabularInline):
    model = Check
    extra = 0
    can_delete = False
    readonly_fields = ("position", "name", "result", "required", "reason", "ms")
    exclude = ("details",)


@admin.register(Crossing)
class CrossingAdmin(admin.ModelAdmin):
    list_display = ("created_at", "crossing_point", "channel", "direction", "decision", "review", "document_number")
    list_filter = ("decision", "review", "channel", "direction", "crossing_point")
    search_fields = ("document_number", "surnames", "transaction_id")
    inlines = [CheckInline]

    # Decisions are evidence: recorded by the service, never edited by hand.
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TravelPermit)
class TravelPermitAdmin(admin.ModelAdmin):
    list_display = ("minor_name", "minor_document_number", "reference", "valid_from", "valid_until", "revoked")
    search_fields = ("minor_document_number", "minor_name", "reference")


admin.site.register(UitValue)
admin.site.register(FeeRule)


@admin.register(PreRegistration)
class PreRegistrationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "document_number", "issuing_state", "flight", "flight_at", "status")
    exclude = ("encoding_sealed", "encoding_key_id")
