from django.apps import AppConfig


class PasaporteConfig(AppConfig):
    name = "pasaporte"
    verbose_name = "Pasaporte electrónico"
    default_auto_field = "django.db.models.BigAutoField"
