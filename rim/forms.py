"""The officers' person search: a number or a name, and the purpose chosen from a closed list."""
from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from .purposes import LOOKUP_PURPOSES


def _purpose_choices():
    return [("", gettext("Elija la finalidad"))] + [(code, gettext(text)) for code, text in LOOKUP_PURPOSES.items()]


class PurposeForm(forms.Form):
    finalidad = forms.ChoiceField(label=_("Finalidad de la consulta"), choices=_purpose_choices,
                                  error_messages={"required": _("Elija la finalidad de la consulta."),
                                                  "invalid_choice": _("Elija una finalidad de la lista.")})

    def purpose_text(self) -> str:
        """The Spanish text kept in the audit log."""
        return LOOKUP_PURPOSES[self.cleaned_data["finalidad"]]


class PersonSearchForm(PurposeForm):
    q = forms.CharField(label=_("DNI, pasaporte, carné o nombre"), max_length=100, strip=True,
                        help_text=_("Un número de documento exacto, o nombres y apellidos (se admiten errores de escritura)."),
                        error_messages={"required": _("Escriba un número de documento o un nombre.")})

    field_order = ["q", "finalidad"]

    def clean_q(self):
        query = self.cleaned_data["q"]
        if len(query.replace(" ", "")) < 2:
            raise forms.ValidationError(gettext("Escriba al menos dos letras o un número de documento."))
        return query
