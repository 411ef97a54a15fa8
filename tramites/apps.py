from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TramitesConfig(AppConfig):
    name = "tramites"
    verbose_name = "Trámites en línea"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The payments rail calls back when a case's fee (or late fine) is confirmed by the bank.
        from pagos.hooks import purpose_register

        from .services.applicant import FINE_PURPOSE, PAYMENT_PURPOSE, case_payment_confirmed

        purpose_register(PAYMENT_PURPOSE, label=_("Trámite en línea"), on_paid=case_payment_confirmed)
        purpose_register(FINE_PURPOSE, label=_("Multa de un trámite en línea"), on_paid=case_payment_confirmed)

        # The officers' person page (rim) lists the person's cases.
        from rim.hooks import person_records_register

        from .selectors import person_records

        person_records_register("tramites", label=_("Trámites en línea"), provider=person_records)
