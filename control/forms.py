"""Forms of the control pages: the counter, the officer's review, travel permits and MigraCheck."""
from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from rim.models import CrossingPoint

from .stay import PURPOSES
from .uploads import CHIP_PHOTO_NOT_AN_IMAGE, MAX_DG_BYTES, dg2_has_face_image

DIRECTION_CHOICES = [("ENTRY", _("Entrada")), ("EXIT", _("Salida"))]
# Labels for the trip purposes of stay.PURPOSES (their codes stay Spanish: they are stored and sent by devices).
PURPOSE_LABELS = {"TURISMO": _("Turismo"), "NEGOCIOS": _("Negocios"), "TRANSITO": _("Tránsito"),
                  "ESTUDIOS": _("Estudios"), "SALUD": _("Salud"), "OTRO": _("Otro")}
PURPOSE_CHOICES = [(p, PURPOSE_LABELS.get(p, p.title())) for p in PURPOSES]


class CounterForm(forms.Form):
    direction = forms.ChoiceField(label=_("Sentido"), choices=DIRECTION_CHOICES)
    crossing_point = forms.ModelChoiceField(label=_("Puesto de control"), to_field_name="code",
                                            queryset=CrossingPoint.objects.filter(active=True))
    mrz = forms.CharField(label=_("MRZ (una línea por renglón)"), required=False,
                          widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false",
                                                       "style": "font-family:monospace"}))
    mrz_photo = forms.FileField(label=_("…o foto de la página de datos"), required=False)
    dg1 = forms.FileField(label=_("Chip: DG1"), required=False)
    dg2 = forms.FileField(label=_("Chip: DG2 (foto)"), required=False)
    sod = forms.FileField(label=_("Chip: EF.SOD"), required=False)
    live_face = forms.FileField(label=_("Foto del viajero en ventanilla"), required=False)
    flight = forms.CharField(label=_("Vuelo o transporte"), max_length=20, required=False)
    origin = forms.CharField(label=_("Origen"), max_length=60, required=False)
    destination = forms.CharField(label=_("Destino"), max_length=60, required=False)
    purpose = forms.ChoiceField(label=_("Motivo de viaje"), choices=PURPOSE_CHOICES)

    def __init__(self, *args, crossing_point: CrossingPoint, **kwargs) -> None:
        """The officer decides only at their own crossing point: the only choice offered and accepted."""
        kwargs.setdefault("initial", {})["crossing_point"] = crossing_point.code
        super().__init__(*args, **kwargs)
        self.fields["crossing_point"].queryset = CrossingPoint.objects.filter(pk=crossing_point.pk, active=True)

    def clean(self):
        data = super().clean()
        if not data.get("mrz") and not data.get("mrz_photo"):
            raise forms.ValidationError(_("Escriba la MRZ o suba una foto de la página de datos."))
        chip = [data.get(name) for name in ("dg1", "sod")]
        if any(chip) and not all(chip):
            raise forms.ValidationError(_("Para el chip se necesitan al menos DG1 y EF.SOD."))
        return data


class ReviewForm(forms.Form):
    admit = forms.TypedChoiceField(label=_("Decisión"), coerce=lambda v: v == "1",
                                   choices=[("1", _("Admitir")), ("0", _("No admitir"))])
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PreRegistrationForm(forms.Form):
    document_number = forms.CharField(label=_("Número de pasaporte"), max_length=20)
    issuing_state = forms.CharField(label=_("País emisor (código de 3 letras)"), max_length=3)
    nationality = forms.CharField(label=_("Nacionalidad (código de 3 letras)"), max_length=3)
    birth_date = forms.DateField(label=_("Fecha de nacimiento"), widget=forms.DateInput(attrs={"type": "date"}))
    expiry_date = forms.DateField(label=_("Fecha de caducidad del pasaporte"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    direction = forms.ChoiceField(label=_("Sentido"), choices=DIRECTION_CHOICES)
    flight = forms.CharField(label=_("Vuelo"), max_length=20)
    flight_at = forms.DateTimeField(label=_("Fecha y hora del vuelo"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    origin = forms.CharField(label=_("Origen"), max_length=60, required=False)
    destination = forms.CharField(label=_("Destino"), max_length=60, required=False)
    purpose = forms.ChoiceField(label=_("Motivo de viaje"), choices=PURPOSE_CHOICES)
    address_in_peru = forms.CharField(label=_("Dirección en el Perú"), max_length=200, required=False)
    residence_country = forms.CharField(label=_("País de residencia"), max_length=3, required=False)
    email = forms.EmailField(label=_("Correo electrónico (para recibir su TAM)"), required=False,
                             help_text=_("Le enviaremos un enlace para confirmarlo."))
    dg2 = forms.FileField(label=_("Foto del chip (DG2), leída con la app"), required=False,
                          help_text=_("Obligatoria si no inició sesión. Máximo 1 MB."))

    def clean_dg2(self):
        upload = self.cleaned_data.get("dg2")
        if not upload:
            return upload
        if upload.size > MAX_DG_BYTES:
            raise forms.ValidationError(chip_photo_too_large_message(), code="too_large")
        data = upload.read()
        upload.seek(0)
        if not dg2_has_face_image(data):
            raise forms.ValidationError(CHIP_PHOTO_NOT_AN_IMAGE, code="not_an_image")
        return upload


def chip_photo_too_large_message() -> str:
    return gettext("La foto del chip no puede pasar de %(size)s MB. Vuelva a leer el chip con la app.") % {
        "size": MAX_DG_BYTES // (1024 * 1024)}
