"""Back office for the TAM: look-up only (a TAM is evidence, issued by control)."""
from django.contrib import admin

from .models import Tam


@admin.register(Tam)
class TamAdmin(admin.ModelAdmin):
    list_display = ("number", "occurred_at", "direction", "document_number", "nationality", "crossing_point_code")
    search_fields = ("number", "document_number", "surnames")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
