from django.apps import AppConfig


class TamConfig(AppConfig):
    name = "tam"
    verbose_name = "TAM virtual"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # control sits below tam on the import ladder: tam registers itself as the TAM issuer.
        from control.issuers import issuer_register

        from .services import issue_for_crossing

        issuer_register(issue_for_crossing)

        # /verificar/'s camera scan sends a QR holding only a seal (TAMs printed before the
        # documents rail) to the TAM's seal check.
        from documentos.hooks import seal_page_register

        seal_page_register("tam:verify")

        # The officers' person page (rim) lists the person's TAMs.
        from django.utils.translation import gettext_lazy as _

        from rim.hooks import person_records_register

        from .selectors import person_records

        person_records_register("tam", label=_("TAM virtual"), provider=person_records)
