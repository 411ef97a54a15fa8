from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = "Control migratorio"
    default_auto_field = "django.db.models.BigAutoField"
