from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "control"
    verbose_name = "Control migratorio"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The officers' person page (rim) lists the person's controls; an officer posted at a crossing
        # point lands on its counter after TOTP.
        from django.utils.translation import gettext_lazy as _

        from cuentas.hooks import work_page_register
        from rim.hooks import person_records_register

        from .selectors import person_records, work_page

        person_records_register("control", label=_("Control migratorio"), provider=person_records)
        work_page_register("control", work_page, order=20)
