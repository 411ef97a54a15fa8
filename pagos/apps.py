from django.apps import AppConfig


class PagosConfig(AppConfig):
    name = "pagos"
    verbose_name = "Pagos: tasas del TUPA, UIT, pagos y devoluciones"
    default_auto_field = "django.db.models.BigAutoField"
