from django.apps import AppConfig


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites en línea"
    default_auto_field = "django.db.models.BigAutoField"
