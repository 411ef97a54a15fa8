"""Forms of the e-passport pages (input shape only; the services decide)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from biometria.engine.images import MAX_IMAGE_BYTES
from cuentas.web import decision_field


def _within_image_limit(upload) -> None:
    """Refuse an oversized upload from its declared size, before it is read into memory."""
    if upload is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("El archivo supera el límite de %(mb)d MB.") % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)},
                              code="too_large")


def _image_field(label, *, required: bool = True) -> forms.FileField:
    return forms.FileField(label=label, required=required, validators=[_within_image_limit])


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Número de comprobante"), max_length=20)
    payment_date = forms.DateField(label=_("Fecha de pago"), widget=forms.DateInput(attrs={"type": "date"}))


class EnrollmentForm(forms.Form):
    """Face, fingers and signature; after an error the images already accepted are kept on the server
    (cuentas.kept_files), so the officer repeats only what failed."""

    IMAGES = ("face", "finger_1", "finger_2", "finger_6", "finger_7", "signature")
    REQUIRED = frozenset({"face", "finger_1", "finger_2", "signature"})

    face = _image_field(_("Foto del rostro"), required=False)
    finger_1 = _image_field(_("Huella: pulgar derecho"), required=False)
    finger_2 = _image_field(_("Huella: índice derecho"), required=False)
    finger_6 = _image_field(_("Huella: pulgar izquierdo"), required=False)
    finger_7 = _image_field(_("Huella: índice izquierdo"), required=False)
    signature = _image_field(_("Firma"), required=False)

    def clean(self):
        data = super().clean()
        self.images: dict[str, bytes] = {}
        for name in self.IMAGES:
            upload = data.get(name)
            if upload:
                upload.seek(0)
                self.images[name] = upload.read()
            elif name in self.REQUIRED and name not in self.errors:
                self.add_error(name, _("Falta esta imagen."))
        return data

    def fingers(self) -> dict[int, bytes]:
        return {int(name.split("_")[1]): raw for name, raw in self.images.items() if name.startswith("finger_")}


class DeliveryForm(forms.Form):
    """The holder is checked with their face or, when the face does not serve, one enrolled finger."""

    face = _image_field(_("Foto del rostro en ventanilla"), required=False)
    finger = _image_field(_("o bien: huella en ventanilla"), required=False)
    finger_position = forms.TypedChoiceField(
        label=_("Dedo de la huella"), coerce=int, required=False, empty_value=None,
        choices=[("", "—"), (1, _("Pulgar derecho")), (2, _("Índice derecho")), (6, _("Pulgar izquierdo")),
                 (7, _("Índice izquierdo"))])

    def clean(self):
        data = super().clean()
        if bool(data.get("face")) == bool(data.get("finger")):
            raise forms.ValidationError(_("Suba la foto del rostro o una huella (una de las dos)."))
        if data.get("finger") and not data.get("finger_position"):
            self.add_error("finger_position", _("Indique qué dedo es."))
        return data

    def biometric(self) -> dict:
        """The arguments of passport_deliver for the check chosen."""
        if self.cleaned_data.get("face"):
            return {"face": self.cleaned_data["face"].read()}
        return {"finger": self.cleaned_data["finger"].read(), "finger_position": self.cleaned_data["finger_position"]}


class ReviewForm(forms.Form):
    # No default: the officer chooses, and a missing choice says so on the fieldset.
    decision = decision_field(label=_("Decisión"), choices=[("approve", _("Continuar el trámite")),
                                                            ("reject", _("Rechazar"))],
                              required_message=_("Elija si continúa el trámite o lo rechaza."))
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Escriba el motivo de su decisión.")})


class DuplicateDecisionForm(forms.Form):
    """The officer's decision on a biometric duplicate case (recorded in biometria)."""

    decision = decision_field(label=_("Decisión"), choices=[
        ("different", _("Personas distintas: continuar el trámite")),
        ("same", _("Misma persona con otra identidad: rechazar"))],
        required_message=_("Elija si son personas distintas o la misma persona."))
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Escriba el motivo de su decisión.")})


class LossReportForm(forms.Form):
    """The confirmation of a passport's cancellation: what happened (no default) and the holder's words."""

    status = decision_field(label=_("¿Qué pasó con su pasaporte?"),
                            choices=[("PERDIDO", _("Lo perdí")), ("ROBADO", _("Me lo robaron"))],
                            required_message=_("Elija si lo perdió o se lo robaron."))
    reason = forms.CharField(label=_("Cuéntenos qué pasó"), max_length=300,
                             help_text=_("Por ejemplo: dónde y cuándo lo perdió, o el número de la denuncia policial."),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Escriba qué pasó con su pasaporte.")})


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(label=_("¿Por qué anula la cita?"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Escriba por qué anula la cita.")})
