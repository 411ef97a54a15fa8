from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs):
    from .services import roles_ensure

    roles_ensure()


class CuentasConfig(AppConfig):
    name = "cuentas"
    verbose_name = "Cuentas"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Role groups and their permissions exist after every migrate, on every database.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="cuentas.roles")
