"""The declared transitions of a passport application and of the passport itself (workflow.Machine): every
status change of either goes through them."""
from django.utils.translation import gettext as _

from core.actor import actor_name
from workflow.machine import Change, Effect, Machine, Transition

from .audit_actions import AuditAction as A
from .models import Application, ApplicationEvent, Passport
from .notes import parts_of

S = Application.Status


def _event(change: Change[Application]) -> None:
    # The citizen's timeline: one row per step, with who did it and why.
    ApplicationEvent.objects.create(application=change.obj, from_status=change.source, to_status=change.target,
                                    note=change.reason[:300], note_parts=parts_of(change.reason),
                                    actor_repr=actor_name(change.actor))


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


P = Passport.Status


def _passport_refused(passport: Passport, state: str, transition: Transition) -> str:
    return _("El pasaporte N.º %(n)s está %(from)s y no puede quedar %(to)s.") % {
        "n": passport.number, "from": P(state).label, "to": P(transition.target).label}


# The booklet: issued (its number allocated) at personalization, delivered once, cancelled once (not
# collected in time, replaced by the next one delivered, or reported lost or stolen by its holder). It has
# no event table: the application's events and the RIM document's status events keep its history, and
# each step is an audit entry naming why it was cancelled.
PASSPORT: Machine[Passport] = Machine(
    model=Passport,
    field="status",
    transitions=[
        Transition("issue", (), P.PERSONALIZED, action=A.PASSPORT_ISSUE),
        Transition("deliver", {P.PERSONALIZED}, P.DELIVERED, action=A.PASSPORT_DELIVER),
        Transition("cancel_uncollected", {P.PERSONALIZED}, P.CANCELLED, action=A.PASSPORT_CANCEL_UNCOLLECTED),
        Transition("cancel_replaced", {P.PERSONALIZED, P.DELIVERED}, P.CANCELLED, action=A.PASSPORT_CANCEL_REPLACED),
        Transition("cancel_lost", {P.PERSONALIZED, P.DELIVERED}, P.CANCELLED, action=A.PASSPORT_CANCEL_LOST),
        Transition("cancel_stolen", {P.PERSONALIZED, P.DELIVERED}, P.CANCELLED, action=A.PASSPORT_CANCEL_STOLEN),
    ],
    person=lambda passport: passport.application.person_id,
    refused_message=_passport_refused,
)
