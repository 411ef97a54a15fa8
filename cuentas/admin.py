"""Accounts in the admin: each user shown is audited (as the RIM person it is linked to, if any),
and each change made here is an audit entry."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin

from .models import Office, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    audit_person_paths = ("person__id",)  # rim.Person.user (reverse one-to-one), without importing rim
    list_display = ("username", "first_name", "last_name", "dni", "document_number", "office", "is_active")
    search_fields = ("username", "first_name", "last_name", "dni", "document_number", "email")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("MIGRACIONES", {"fields": ("dni", "document_type", "document_number", "nationality", "birth_date",
                                    "phone", "email_verified", "office", "personal_data_consent_at")}),
    )
    # When the person accepted the personal-data notice is a record of their act: shown, never edited.
    readonly_fields = ("personal_data_consent_at",)


@admin.register(Office)
class OfficeAdmin(AuditedWritesAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "city", "opens_at", "closes_at", "counters", "slot_minutes", "active")
    search_fields = ("code", "name", "city")
