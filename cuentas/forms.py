"""Sign-in, sign-up and second-factor forms."""
import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy as _

from mrtd.countries import nationality_choices

from .models import User

OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


def _consent_label():
    return format_html(
        '{} <a href="{}">{}</a> {}', _("He leído el"), reverse_lazy("personal_data"),
        _("aviso de datos personales"), _("y acepto que MIGRACIONES trate mis datos para este servicio (Ley 29733)."))


def _personal_data_consent() -> forms.BooleanField:
    """The consent asked where data are collected: required, never ticked in advance."""
    return forms.BooleanField(label=lazy(_consent_label, str)(), required=True,
                              error_messages={"required": _("Para crear la cuenta debe aceptar el aviso de datos personales.")})


def _nationality_choices():
    return [("", _("Elija su nacionalidad")), *nationality_choices(get_language() or "es")]


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
    personal_data_consent = _personal_data_consent()

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
    # The ICAO codes of passports, by name in the page's language (the choices are built per request).
    nationality = forms.ChoiceField(label=_("Nacionalidad"), choices=_nationality_choices,
                                    error_messages={"invalid_choice": _("Elija su nacionalidad de la lista"),
                                                    "required": _("Elija su nacionalidad de la lista")})
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=forms.DateInput(attrs={"type": "date"}))
    given_names = forms.CharField(label=_("Nombres"), max_length=150)
    surnames = forms.CharField(label=_("Apellidos"), max_length=150)
    email = forms.EmailField(label=_("Correo electrónico"))
    password = forms.CharField(label=_("Contraseña"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Repita la contraseña"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    personal_data_consent = _personal_data_consent()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["birth_date"].widget.attrs.update(min=OLDEST_BIRTH_DATE.isoformat(), max=today.isoformat())

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise forms.ValidationError(_("La fecha de nacimiento no puede ser futura"))
        if birth_date < OLDEST_BIRTH_DATE:
            raise forms.ValidationError(_("Revise el año de la fecha de nacimiento"))
        return birth_date

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
