"""Back-office admin of the appointments rail: sedes' counters, hours and regions (data, audited writes),
turns, and read-only, audited citas (they move only through citas' services)."""
from django.contrib import admin

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin, ReadOnlyAdminMixin

from .models import Appointment, Counter, OpeningHours, SedeProfile, Slot


@admin.register(SedeProfile)
class SedeProfileAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("office", "region")


@admin.register(OpeningHours)
class OpeningHoursAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("office", "weekday", "opens_at", "closes_at", "closed")
    list_filter = ("office",)


@admin.register(Counter)
class CounterAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("office", "number", "services", "active")
    list_filter = ("office",)


@admin.register(Slot)
class SlotAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("office", "service", "starts_at", "capacity", "booked")
    list_filter = ("office", "service")


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "service", "slot", "record_kind", "record_id", "status", "created_at")
    list_filter = ("service", "status")
    audit_person_paths = ("person_id", "user__person__id")
