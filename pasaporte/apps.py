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

        # The appointments rail asks whether an application may book and says when its cita moved.
        from citas.hooks import record_kind_register

        from .services.appointments import RECORD_KIND, application_cita_changed, application_may_book

        record_kind_register(RECORD_KIND, may_book=application_may_book, on_change=application_cita_changed)
        purpose_register(PAYMENT_PURPOSE, label=_("Pasaporte electrónico"), on_paid=application_open_for_payment)

        # The officers' person page (rim) lists the person's applications; an officer of a sede lands
        # on its "Citas de hoy" after TOTP.
        from cuentas.hooks import work_page_register
        from rim.hooks import person_records_register

        from .selectors import person_records, work_page

        person_records_register("pasaporte", label=_("Pasaporte electrónico"), provider=person_records)
        work_page_register("pasaporte", work_page, order=10)
