"""The declared transitions of a passport application (workflow.Machine): every status change goes through it."""
from django.utils.translation import gettext as _

from core.actor import actor_name
from workflow.machine import Change, Effect, Machine, Transition

from .audit_actions import AuditAction as A
from .models import Application, ApplicationEvent

S = Application.Status


def _event(change: Change[Application]) -> None:
    # The citizen's timeline: one row per step, with who did it and why.
    ApplicationEvent.objects.create(application=change.obj, from_status=change.source, to_status=change.target,
                                    note=change.reason[:300], actor_repr=actor_name(change.actor))


def _effects(change: Change[Application]) -> list[Effect]:
    # The e-mail about the new step (the task reads the event row; it sends once per event).
    return [Effect("pasaporte.tasks.notify_status_task", queue="notifications",
                   kwargs={"application_id": change.obj.pk, "status": change.target})]


def _refused(application: Application, state: str, transition: Transition) -> str:
    return _("La solicitud está en «%(from)s» y no puede pasar a «%(to)s».") % {
        "from": S(state).label, "to": S(transition.target).label}


# One transition per state reached (the services speak in target states: application_transition(to=...)).
APPLICATION: Machine[Application] = Machine(
    model=Application,
    field="status",
    transitions=[
        Transition("book", {S.PAID}, S.BOOKED, action=A.APPLICATION_BOOKED),
        Transition("defer_validation", {S.BOOKED}, S.VALIDATION_PENDING, action=A.APPLICATION_VALIDATION_PENDING),
        Transition("validate", {S.BOOKED, S.VALIDATION_PENDING, S.OBSERVED}, S.VALIDATED,
                   action=A.APPLICATION_VALIDATED),
        Transition("observe", {S.BOOKED, S.VALIDATION_PENDING, S.VALIDATED}, S.OBSERVED,
                   action=A.APPLICATION_OBSERVED),
        Transition("enroll", {S.OBSERVED, S.VALIDATED}, S.ENROLLED, action=A.APPLICATION_ENROLLED),
        Transition("personalize", {S.ENROLLED}, S.PERSONALIZING, action=A.APPLICATION_PERSONALIZING),
        Transition("make_ready", {S.PERSONALIZING}, S.READY, action=A.APPLICATION_READY),
        Transition("deliver", {S.READY}, S.DELIVERED, action=A.APPLICATION_DELIVERED),
        Transition("expire", {S.READY}, S.EXPIRED, action=A.APPLICATION_EXPIRED),
        Transition("reject", {S.OBSERVED}, S.REJECTED, action=A.APPLICATION_REJECTED),
        Transition("cancel", {S.PAID, S.BOOKED, S.VALIDATION_PENDING, S.VALIDATED}, S.CANCELLED,
                   action=A.APPLICATION_CANCELLED),
    ],
    event=_event,
    effects=_effects,
    refused_message=_refused,
)
