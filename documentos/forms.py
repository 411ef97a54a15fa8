"""Forms of /verificar/: a typed code, or an uploaded PDF."""
from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"), max_length=40,
        help_text=_("Los 16 caracteres impresos bajo el código QR, por ejemplo 4H7K-MNPR-TVWX-3A9C."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))


class UploadForm(forms.Form):
    archivo = forms.FileField(label=_("Archivo PDF del documento"),
                              widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))
