"""Back-office admin for fees (data) and read-only views of applications."""
from django.contrib import admin

from .models import Application, Fee, Payment, Slot


@admin.register(Fee)
class FeeAdmin(admin.ModelAdmin):
    list_display = ("code", "description", "amount", "valid_from", "valid_until")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("pk", "dni", "status", "office", "created_at")
    list_filter = ("status", "office")
    readonly_fields = [f.name for f in Application._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "payer_dni", "method", "status", "receipt_number", "amount")
    readonly_fields = [f.name for f in Payment._meta.fields]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("office", "starts_at", "capacity", "booked")
    list_filter = ("office",)
