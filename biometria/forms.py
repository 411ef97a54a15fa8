"""Forms of biometria's officer pages (input shape only; the services decide)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cuentas.web import decision_field

from .models import DuplicateCase

# The choices of each kind of case, and whether each accepts the new enrollment.
CASE_CHOICES = {
    DuplicateCase.Kind.REPLACEMENT: [
        ("approve", _("Es la misma persona: el nuevo enrolamiento reemplaza al vigente")),
        ("refuse", _("No corresponde: rechazar el nuevo enrolamiento y mantener el vigente"))],
    DuplicateCase.Kind.DUPLICATE: [
        ("same", _("Es la misma persona: rechazar el nuevo enrolamiento")),
        ("different", _("Son personas distintas: aceptar el enrolamiento"))],
}
ACCEPTS = {"approve": True, "refuse": False, "different": True, "same": False}


class CaseDecisionForm(forms.Form):
    """The decision on a duplicate or replacement case: no default, and the reason for it."""

    decision = decision_field(label=_("Decisión"), choices=[], required_message=_("Elija una decisión."))
    reason = forms.CharField(label=_("Motivo"), max_length=500,
                             error_messages={"required": _("Escriba el motivo de su decisión.")})

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = CASE_CHOICES[kind]

    def accept(self) -> bool:
        return ACCEPTS[self.cleaned_data["decision"]]
