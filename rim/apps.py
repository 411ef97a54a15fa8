"""Django app configuration of the RIM (Registro de Información Migratoria)."""
from django.apps import AppConfig


class RimConfig(AppConfig):
    name = "rim"
    verbose_name = "RIM"
    default_auto_field = "django.db.models.BigAutoField"
