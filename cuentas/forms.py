"""Sign-in, sign-up and second-factor forms."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("DNI o correo electrónico"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class CitizenSignupForm(forms.Form):
    dni = forms.CharField(label=_("DNI"), min_length=8, max_length=8,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{8}"}))
    verification_digit = forms.CharField(
        label=_("Dígito de verificación"), max_length=1,
        help_text=_("El número después del guion en su DNI (por ejemplo 70275722 - 9)."),
    )
    issue_date = forms.DateField(label=_("Fecha de emisión del DNI"), widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(label=_("Correo electrónico"))
    password = forms.CharField(label=_("Contraseña"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("Al menos 10 caracteres, no solo números."))
    password2 = forms.CharField(label=_("Repita la contraseña"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_dni(self):
        dni = self.cleaned_data["dni"].strip()
        if not dni.isdigit():
            raise forms.ValidationError(_("El DNI tiene 8 dígitos"))
        return dni

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("Las contraseñas no coinciden"))
        return data


class ForeignerSignupForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Documento"), choices=[
        (User.DocumentType.PASSPORT, _("Pasaporte")), (User.DocumentType.CARNE, _("Carné de extranjería"))])
    document_number = forms.CharField(label=_("Número de documento"), max_length=20)
    nationality = forms.CharField(label=_("Nacionalidad (código de 3 letras, p. ej. VEN)"), min_length=1, max_length=3)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=forms.DateInput(attrs={"type": "date"}))
    given_names = forms.CharField(label=_("Nombres"), max_length=150)
    surnames = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(label=_("Correo electrónico"))
    password = forms.CharField(label=_("Contraseña"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repita la contraseña"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("Las contraseñas no coinciden"))
        return data


class OTPForm(forms.Form):
    token = forms.CharField(label=_("Código de 6 dígitos de su aplicación autenticadora"), min_length=6, max_length=8,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}))


class ActivationCodeForm(forms.Form):
    activation_code = forms.CharField(
        label=_("Código de activación que le entregó su supervisor"), min_length=12, max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "autocapitalize": "characters"}))


class ActivationIssueForm(forms.Form):
    user_id = forms.IntegerField(widget=forms.HiddenInput)
