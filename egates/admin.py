"""Back office for e-gates: the devices' last states."""
from django.contrib import admin

from .models import GateStatus


@admin.register(GateStatus)
class GateStatusAdmin(admin.ModelAdmin):
    list_display = ("device", "state", "reported_at", "software_version", "message")
