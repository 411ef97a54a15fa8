"""Forms of tramites' pages: the procedure's own questions (built from its catalogue entry) and the steps."""
from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _

from mrtd.countries import nationality_choices

from .catalogue import ProcedureSpec
from .models import Case, Observation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def posted(request):
    """The data to bind a form to: the POST, even an empty one (`request.POST or None` would leave a form
    sent with nothing unbound, so it would show no error), or None for a GET."""
    return request.POST if request.method == "POST" else None


def procedure_form(spec: ProcedureSpec, *, data=None, initial=None) -> forms.Form:
    """A form with one field per question of the procedure; the service checks the answers by the same
    catalogue rules (tramites.services.form_errors), so the form only shapes them."""
    form = forms.Form(data=data, initial=initial)
    for f in spec.fields:
        if f.type == "choice":
            field = forms.ChoiceField(label=f.label, choices=[(c.value, c.label) for c in f.choices],
                                      widget=forms.RadioSelect, required=False)
        elif f.type == "date":
            field = forms.CharField(label=f.label, widget=DATE_WIDGET, required=False)
        elif f.type == "integer":
            field = forms.CharField(label=f.label, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "short"}))
            if f.min is not None and f.max is not None:
                field.help_text = _("Entre %(min)s y %(max)s.") % {"min": f.min, "max": f.max}
        else:
            widget = forms.Textarea(attrs={"rows": 4}) if f.max_length > 200 else forms.TextInput()
            field = forms.CharField(label=f.label, required=False, widget=widget)
        form.fields[f.key] = field
    return form


class UploadForm(forms.Form):
    archivo = forms.FileField(label=_("Archivo"), required=False)


def _nationalities():
    return [("", _("Elija su nacionalidad")), *nationality_choices(get_language() or "es")]


class LinkForm(forms.Form):
    """The proof the Agencia Digital asks of a foreigner to tie the account to their record."""

    document_type = forms.ChoiceField(label=_("Documento con el que ingresa"), widget=forms.RadioSelect, choices=[
        ("CE", _("Carné de extranjería")), ("CPP", _("CPP o PTP")), ("PASAPORTE", _("Pasaporte"))])
    document_number = forms.CharField(label=_("Número del documento"), max_length=20)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=DATE_WIDGET)
    # Picked by name in the page's language (a foreigner rarely knows their ICAO code); the code is sent.
    nationality = forms.ChoiceField(label=_("Nacionalidad"), choices=_nationalities,
                                    error_messages={"invalid_choice": _("Elija su nacionalidad de la lista"),
                                                    "required": _("Elija su nacionalidad de la lista")})
    last_entry_date = forms.DateField(label=_("Fecha de su última entrada al Perú"), widget=DATE_WIDGET)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La fecha de nacimiento no puede ser futura."))
        return value

    def clean_last_entry_date(self):
        value = self.cleaned_data["last_entry_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede ser futura."))
        return value


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Número de operación del comprobante"), max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    payment_date = forms.DateField(label=_("Fecha del pago"), widget=DATE_WIDGET)

    def clean_payment_date(self):
        value = self.cleaned_data["payment_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La fecha del pago no puede ser futura."))
        if value < timezone.localdate() - dt.timedelta(days=365):
            raise forms.ValidationError(_("El comprobante tiene más de un año."))
        return value


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Su respuesta a la observación"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 5}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(forms.Form):
    text = forms.CharField(label=_("¿Por qué pide que se reconsidere?"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 6}))


# ---- officers --------------------------------------------------------------------------------------

class ObserveForm(forms.Form):
    text = forms.CharField(label=_("Observación (todo lo que debe corregir, en un solo acto)"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    documents = forms.MultipleChoiceField(label=_("Documentos que debe presentar de nuevo"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    term_business_days = forms.TypedChoiceField(label=_("Plazo para responder"), coerce=int, widget=forms.RadioSelect,
                                                choices=[(2, _("2 días hábiles")), (5, _("5 días hábiles")),
                                                         (10, _("10 días hábiles"))])
    kind = forms.ChoiceField(label=_("Tipo"), widget=forms.RadioSelect, choices=Observation.Kind.choices)

    def __init__(self, *args, spec: ProcedureSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d.key, d.label) for d in spec.documents]


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Sentido de la resolución"), widget=forms.RadioSelect, choices=[
        (Case.Outcome.APPROVED, _("Aprobar")), (Case.Outcome.DENIED, _("Denegar")),
        (Case.Outcome.INADMISSIBLE, _("Declarar improcedente"))])
    text = forms.CharField(label=_("Fundamentos"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Obligatorio para denegar o declarar improcedente."))
