"""Forms of the mailbox pages."""
from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    email = forms.EmailField(label=_("Correo electrónico para los avisos"), max_length=254,
                             error_messages={"required": _("Escriba el correo electrónico donde recibirá los avisos."),
                                             "invalid": _("Escriba un correo electrónico válido, como nombre@ejemplo.pe.")})
    phone = forms.RegexField(label=_("Teléfono"), regex=r"^\+?[0-9 ]{6,20}$", max_length=20,
                             error_messages={"required": _("Escriba un teléfono de contacto."),
                                             "invalid": _("Escriba el teléfono solo con números, como 987654321.")})
    accepted_terms = forms.BooleanField(
        label=_("Acepto que la casilla electrónica sea mi domicilio digital para las notificaciones de "
                "MIGRACIONES, en los términos indicados."),
        error_messages={"required": _("Marque la casilla para aceptar los términos.")})


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Indique el motivo de la revocación.")})
