from django.apps import AppConfig


class AuditoriaConfig(AppConfig):
    name = "auditoria"
    verbose_name = "Auditoría"
    default_auto_field = "django.db.models.BigAutoField"
