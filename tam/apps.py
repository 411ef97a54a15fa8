from django.apps import AppConfig


class TamConfig(AppConfig):
    name = "tam"
    verbose_name = "TAM virtual"
    default_auto_field = "django.db.models.BigAutoField"
