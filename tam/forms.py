"""Forms of the TAM pages: the traveller's download and the public seal check."""
from django import forms
from django.utils.translation import gettext_lazy as _


class DownloadForm(forms.Form):
    document_number = forms.CharField(label=_("Número de documento"), max_length=20)
    nationality = forms.CharField(label=_("Nacionalidad (código de 3 letras, p. ej. PER, USA)"), max_length=3)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=forms.DateInput(attrs={"type": "date"}))


class VerifyForm(forms.Form):
    numero = forms.CharField(label=_("Número de TAM"), max_length=24, required=False)
    seal = forms.CharField(label=_("…o el texto del sello (lo que lee el escáner de QR)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if not data.get("numero") and not data.get("seal"):
            raise forms.ValidationError(_("Indique el número de la TAM o pegue el texto del sello."))
        return data
