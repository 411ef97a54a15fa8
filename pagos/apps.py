from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs):
    # cuentas gives the roles their permissions after its own migrate; pagos' permissions exist only
    # after pagos' (later in INSTALLED_APPS), so the supervisors get pagos.refund_payment here too.
    from cuentas.services import roles_ensure

    roles_ensure()


class PagosConfig(AppConfig):
    name = "pagos"
    verbose_name = "Pagos: tasas del TUPA, UIT, pagos y devoluciones"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="pagos.roles")
