from django.apps import AppConfig


class EgatesConfig(AppConfig):
    name = "egates"
    verbose_name = "Puertas electrónicas"
    default_auto_field = "django.db.models.BigAutoField"
