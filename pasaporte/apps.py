from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasaporteConfig(AppConfig):
    name = "pasaporte"
    verbose_name = "Pasaporte electrónico"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The payments rail calls back through its hooks (it never imports a service): a confirmed
        # passport fee opens the application.
        from pagos.hooks import purpose_register

        from .services.payments import PAYMENT_PURPOSE, application_open_for_payment

        purpose_register(PAYMENT_PURPOSE, label=_("Pasaporte electrónico"), on_paid=application_open_for_payment)
