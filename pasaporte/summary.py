"""What a citizen's own summary page says of their passport: the step they are at and what, if anything, they must do."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Application
from .selectors import application_current, appointment_active, payment_pending

S = Application.Status


@dataclass(frozen=True)
class NextStep:
    status: str  # the application's status label, or "" before there is one
    text: str | Promise  # what to do now, or what the portal is waiting for
    url: str
    link: str | Promise
    needs_action: bool


def passport_next_step(user) -> NextStep:
    """The citizen's passport in one line: where it stands and the one thing to do next."""
    home = reverse("pasaporte:home")
    application = application_current(user)
    if application is None:
        if payment_pending(user) is not None:
            return NextStep("", _("Su pago está pendiente de confirmación del Banco de la Nación."), home,
                            _("Ver mi pasaporte"), False)
        return NextStep("", _("Para un pasaporte electrónico, el primer paso es pagar la tasa."),
                        reverse("pasaporte:pay"), _("Pagar la tasa"), True)
    label = application.get_status_display()
    if application.status == S.PAID or (application.status in (S.BOOKED, S.VALIDATION_PENDING, S.VALIDATED)
                                         and appointment_active(application) is None):
        return NextStep(label, _("Reserve su cita para el enrolamiento en una sede."), reverse("pasaporte:book"),
                        _("Reservar cita"), True)
    if application.status == S.READY:
        return NextStep(label, _("Su pasaporte está listo: recójalo en la sede con su DNI."), home,
                        _("Ver dónde y hasta cuándo"), True)
    if application.status in (S.DELIVERED, S.REJECTED, S.CANCELLED, S.EXPIRED):
        return NextStep(label, _("No tiene una solicitud en curso."), home, _("Ver mi pasaporte"), False)
    return NextStep(label, _("No necesita hacer nada por ahora: le avisaremos del siguiente paso."), home,
                    _("Ver el seguimiento"), False)
