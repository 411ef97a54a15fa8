"""Forms of the e-passport pages (input shape only; the services decide)."""
import base64
import binascii

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from biometria.engine.images import MAX_IMAGE_BYTES


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
    """Face, fingers and signature; after an error the images already accepted come back as `kept_<name>`
    (base64, hidden), so the officer repeats only what failed."""

    IMAGES = ("face", "finger_1", "finger_2", "finger_6", "finger_7", "signature")
    REQUIRED = frozenset({"face", "finger_1", "finger_2", "signature"})

    face = _image_field(_("Foto del rostro"), required=False)
    finger_1 = _image_field(_("Huella: pulgar derecho"), required=False)
    finger_2 = _image_field(_("Huella: índice derecho"), required=False)
    finger_6 = _image_field(_("Huella: pulgar izquierdo"), required=False)
    finger_7 = _image_field(_("Huella: índice izquierdo"), required=False)
    signature = _image_field(_("Firma"), required=False)
    kept_face = forms.CharField(required=False, widget=forms.HiddenInput)
    kept_finger_1 = forms.CharField(required=False, widget=forms.HiddenInput)
    kept_finger_2 = forms.CharField(required=False, widget=forms.HiddenInput)
    kept_finger_6 = forms.CharField(required=False, widget=forms.HiddenInput)
    kept_finger_7 = forms.CharField(required=False, widget=forms.HiddenInput)
    kept_signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        self.images: dict[str, bytes] = {}
        for name in self.IMAGES:
            upload, kept = data.get(name), data.get(f"kept_{name}")
            if upload:
                self.images[name] = upload.read()
            elif kept:
                try:
                    self.images[name] = base64.b64decode(kept, validate=True)
                except (binascii.Error, ValueError):
                    self.add_error(name, _("Vuelva a subir esta imagen."))
            elif name in self.REQUIRED:
                self.add_error(name, _("Falta esta imagen."))
        return data

    def fingers(self) -> dict[int, bytes]:
        return {int(name.split("_")[1]): raw for name, raw in self.images.items() if name.startswith("finger_")}

    def keep(self, accepted: set[str]) -> None:
        """Send the accepted images back with the page (the others are to be repeated)."""
        self.data = self.data.copy()
        for name in self.IMAGES:
            self.data[f"kept_{name}"] = base64.b64encode(self.images[name]).decode("ascii") \
                if name in accepted and name in self.images else ""

    def kept_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.IMAGES if self.data.get(f"kept_{name}")]


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
    decision = forms.ChoiceField(label=_("Decisión"), choices=[("approve", _("Continuar el trámite")),
                                                                ("reject", _("Rechazar"))])
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class DuplicateDecisionForm(forms.Form):
    """The officer's decision on a biometric duplicate case (recorded in biometria)."""

    decision = forms.ChoiceField(label=_("Decisión"), choices=[
        ("different", _("Personas distintas: continuar el trámite")),
        ("same", _("Misma persona con otra identidad: rechazar"))])
    reason = forms.CharField(label=_("Motivo"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class LossReportForm(forms.Form):
    """The confirmation of a passport's cancellation: what happened (no default) and the holder's words."""

    status = forms.ChoiceField(label=_("¿Qué pasó con su pasaporte?"), widget=forms.RadioSelect,
                               choices=[("PERDIDO", _("Lo perdí")), ("ROBADO", _("Me lo robaron"))],
                               error_messages={"required": _("Elija si lo perdió o se lo robaron.")})
    reason = forms.CharField(label=_("Cuéntenos qué pasó"), max_length=300,
                             help_text=_("Por ejemplo: dónde y cuándo lo perdió, o el número de la denuncia policial."),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Escriba qué pasó con su pasaporte.")})


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(label=_("¿Por qué anula la cita?"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Escriba por qué anula la cita.")})
