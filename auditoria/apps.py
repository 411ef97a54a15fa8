"""auditoria: the append-only audit log and the registry of audit action names."""
from django.apps import AppConfig


class AuditoriaConfig(AppConfig):
    name = "auditoria"
    verbose_name = "Auditoría"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's registry of audit action names (auditoria/actions.py): loaded before any
        # request, so `audit_record` knows every declared namespace from the start.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("audit_actions")
