"""The declared transitions of a crossing's review by an officer (workflow.Machine)."""
from django.utils.translation import gettext_lazy

from workflow.machine import Machine, Transition

from .audit_actions import AuditAction
from .models import Crossing

R = Crossing.Review


# Only a referred crossing is reviewed, once; a crossing that passed (NONE) is never reviewed.
CROSSING_REVIEW: Machine[Crossing] = Machine(
    model=Crossing,
    field="review",
    transitions=[
        Transition("admit", {R.PENDING}, R.ADMITTED, action=AuditAction.CROSSING_REVIEW),
        Transition("deny", {R.PENDING}, R.DENIED, action=AuditAction.CROSSING_REVIEW),
    ],
    refused_message=gettext_lazy("Este control ya fue resuelto o no está derivado."),
    audit_purpose="control migratorio",
    states_without_transitions={R.NONE},
)
