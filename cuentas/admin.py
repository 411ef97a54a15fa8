from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Office, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "dni", "document_number", "office", "is_active")
    search_fields = ("username", "first_name", "last_name", "dni", "document_number", "email")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("MIGRACIONES", {"fields": ("dni", "document_type", "document_number", "nationality", "birth_date",
                                    "phone", "email_verified", "office")}),
    )


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "city", "opens_at", "closes_at", "counters", "slot_minutes", "active")
    search_fields = ("code", "name", "city")
