"""Django app configuration for the external systems' clients and simulators."""
from django.apps import AppConfig


class IntegracionesConfig(AppConfig):
    name = "integraciones"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Integraciones"
