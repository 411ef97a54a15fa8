"""Forms of the control pages: the counter, the officer's review, travel permits and MigraCheck."""
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from core.errors import ApplicationError
from cuentas.web import decision_field
from mrtd.errors import MRZError
from mrtd.mrz import MSG_CHECK_DIGIT, parse_mrz
from rim.models import CrossingPoint

from .ocr import mrz_lines_from_photo
from .reasons import mrz_field_label

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
                                                       "class": "mono"}))
    mrz_photo = forms.FileField(label=_("…o foto de la página de datos"), required=False)
    dg1 = forms.FileField(label=_("Chip: DG1"), required=False)
    dg2 = forms.FileField(label=_("Chip: DG2 (foto)"), required=False)
    sod = forms.FileField(label=_("Chip: EF.SOD"), required=False)
    live_face = forms.FileField(label=_("Foto del viajero en ventanilla"), required=False)
    flight = forms.CharField(label=_("Vuelo o transporte"), max_length=20, required=False)
    origin = forms.CharField(label=_("Origen"), max_length=60, required=False)
    destination = forms.CharField(label=_("Destino"), max_length=60, required=False)
    purpose = forms.ChoiceField(label=_("Motivo de viaje"), choices=PURPOSE_CHOICES)
    mrz_as_printed = forms.BooleanField(
        label=_("La MRZ está impresa así en el documento: registrar el control tal como está (se derivará)"),
        required=False)

    def __init__(self, *args, crossing_point: CrossingPoint, **kwargs) -> None:
        """The officer decides only at their own crossing point: the only choice offered and accepted."""
        kwargs.setdefault("initial", {})["crossing_point"] = crossing_point.code
        super().__init__(*args, **kwargs)
        self.fields["crossing_point"].queryset = CrossingPoint.objects.filter(pk=crossing_point.pk, active=True)
        self.mrz_fix: MrzFix | None = None

    def clean(self):
        data = super().clean()
        if not data.get("mrz") and not data.get("mrz_photo"):
            raise forms.ValidationError(_("Escriba la MRZ o suba una foto de la página de datos."))
        chip = [data.get(name) for name in ("dg1", "sod")]
        if any(chip) and not all(chip):
            raise forms.ValidationError(_("Para el chip se necesitan al menos DG1 y EF.SOD."))
        lines = self._mrz_lines(data)
        if lines is not None:
            self._check_mrz(lines, as_printed=bool(data.get("mrz_as_printed")))
            data["mrz_lines"] = lines
        return data

    def _mrz_lines(self, data: dict) -> list[str] | None:
        """The typed MRZ, or the photo's as the OCR read it, put into the MRZ field so the officer
        sees it and can correct it (the photo is not read again once its text is there)."""
        typed = [line for line in (data.get("mrz") or "").split() if line]
        if typed:
            return typed
        try:
            lines = mrz_lines_from_photo(data["mrz_photo"].read())
        except ApplicationError as exc:
            self.add_error("mrz_photo", " ".join(str(text) for text in exc.fields.values()) or exc.message)
            return None
        self.data = self.data.copy()
        self.data[self.add_prefix("mrz")] = "\n".join(lines)
        data["mrz"] = "\n".join(lines)
        self._from_photo = True
        return lines

    def _check_mrz(self, lines: list[str], *, as_printed: bool) -> None:
        """An MRZ that fails its check digits (or holds an impossible date, country or sex) is shown to
        the officer to correct, naming each field, with the fix the OCR confusions suggest; nothing is
        decided until it is right or the officer confirms the document is printed so."""
        from_photo = getattr(self, "_from_photo", False)
        try:
            result = parse_mrz(lines)
        except MRZError as exc:
            self.add_error("mrz", (gettext("No se puede leer la MRZ leída de la foto: %(problem)s") if from_photo
                                   else gettext("No se puede leer la MRZ: %(problem)s")) % {"problem": exc})
            return
        if not result.errors or as_printed:
            return
        problems = ", ".join(_mrz_problem(name, message) for name, message in result.errors.items())
        intro = (gettext("La MRZ leída de la foto no cuadra en: %(problems)s.") if from_photo
                 else gettext("La MRZ no cuadra en: %(problems)s.")) % {"problems": problems}
        messages = [intro + " " + gettext("Corríjala con el documento a la vista; no se registró nada.")]
        repaired = parse_mrz(lines, repair=True)
        if repaired.repairs and repaired.lines != result.lines:
            self.mrz_fix = MrzFix(text="\n".join(repaired.lines), complete=not repaired.errors,
                                  repairs=[(mrz_field_label(r.field), r.original, r.repaired)
                                           for r in repaired.repairs])
            messages += [gettext("En %(field)s se leyó %(original)s, probablemente es %(repaired)s.") % {
                "field": field, "original": original, "repaired": fixed} for field, original, fixed in
                self.mrz_fix.repairs]
        self.add_error("mrz", messages)


@dataclass(frozen=True)
class MrzFix:
    """The MRZ with the OCR confusions the check digits point at corrected, offered to the officer."""

    text: str
    complete: bool  # the corrected MRZ passes every check
    repairs: list[tuple[str, str, str]]  # (field in words, as read, probably)


def _mrz_problem(name: str, message: str) -> str:
    if name == "composite":
        return mrz_field_label(name)
    if message == MSG_CHECK_DIGIT:
        return gettext("%(field)s (dígito de control)") % {"field": mrz_field_label(name)}
    return gettext("%(field)s (valor no válido)") % {"field": mrz_field_label(name)}


class ReviewForm(forms.Form):
    # No default: the officer chooses, and a missing choice says so on the fieldset.
    admit = decision_field(label=_("Decisión"), coerce=lambda v: v == "1",
                           choices=[("1", _("Admitir")), ("0", _("No admitir"))],
                           required_message=_("Elija si admite o no admite al viajero."))
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Escriba el motivo de su decisión.")})


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
