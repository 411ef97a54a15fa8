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
        # Every form of the portal says what to do in the service's words, not Django's stock text
        # (the error summary puts the field's name before it).
        from django import forms
        from django.utils.translation import gettext_lazy as _

        forms.Field.default_error_messages["required"] = _("Complete este dato.")
        forms.FileField.default_error_messages["empty"] = _("El archivo está vacío: elija otro.")
        forms.ChoiceField.default_error_messages["invalid_choice"] = _("Elija una de las opciones de la lista.")
        forms.EmailField.default_error_messages["invalid"] = _("Escriba un correo electrónico válido, como nombre@ejemplo.pe.")
