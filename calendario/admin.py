"""Admin of the calendar for superusers: the non-working days editable (every write audited), the
loaded years read-only (they come from calendario_load). An edit here is seen by every process at
once, but the next calendario_load of that year makes the rows equal to its file again: correct the
file too."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedWritesAdminMixin, ReadOnlyAdminMixin

from .cache import calendar_changed
from .models import CalendarYear, NonWorkingDay


class _SuperusersOnly:
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(_SuperusersOnly, AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("date", "scope", "region", "name_es", "legal_basis")
    list_filter = ("scope", "region")
    search_fields = ("name_es", "name_en", "legal_basis")
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar_changed()


@admin.register(CalendarYear)
class CalendarYearAdmin(_SuperusersOnly, AuditedWritesAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source_file", "loaded_at", "loaded_by")
