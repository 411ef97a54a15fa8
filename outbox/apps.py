from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Bandeja de salida de tareas"
    default_auto_field = "django.db.models.BigAutoField"
