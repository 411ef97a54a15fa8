from django.apps import AppConfig


class BuzonConfig(AppConfig):
    name = "buzon"
    verbose_name = "Buzón electrónico"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The officers' person page (rim) lists the notices sent to the person.
        from django.utils.translation import gettext_lazy as _

        from rim.hooks import person_records_register

        from .selectors import person_records

        person_records_register("buzon", label=_("Notificaciones"), provider=person_records)

