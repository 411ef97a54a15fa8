from django.apps import AppConfig


class DocumentosConfig(AppConfig):
    name = "documentos"
    verbose_name = "Documentos verificables"
    default_auto_field = "django.db.models.BigAutoField"
