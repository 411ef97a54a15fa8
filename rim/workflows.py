"""The declared transitions of a calidad migratoria (workflow.Machine): recorded in force, replaced, cancelled."""
from django.utils.translation import gettext_lazy

from workflow.machine import Machine, Transition

from .audit_actions import AuditAction
from .models import ResidenceStatus

S = ResidenceStatus.Status

# A calidad is recorded VIGENTE; a new calidad or a prórroga replaces it; it may be cancelled.
# A replaced or cancelled one never comes back: history stays as it was.
RESIDENCE_STATUS: Machine[ResidenceStatus] = Machine(
    model=ResidenceStatus,
    transitions=[
        Transition("set", (), S.VIGENTE, action=AuditAction.RESIDENCE_STATUS_SET),
        Transition("supersede", {S.VIGENTE}, S.REEMPLAZADA, action=AuditAction.RESIDENCE_STATUS_SUPERSEDE),
        Transition("cancel", {S.VIGENTE}, S.CANCELADA, action=AuditAction.RESIDENCE_STATUS_CANCEL),
    ],
    refused_message=gettext_lazy("Esa calidad migratoria ya no está vigente."),
)
