"""The declared transitions of a case (expediente), following the procedure law (TUO of Ley 27444).

filed → in evaluation → observed → corrected → resolved → notified → final, and the exits: not filed
(an observation not answered in time), withdrawn, abandoned, appealed. A favourable resolution takes
effect from its issue (art. 16.2): an approval goes from resolved to effects applied in the same
transaction; an adverse one becomes notified when its notice is, then final when no appeal came.
"""
from django.utils.translation import gettext as _

from auditoria.services import actor_repr
from workflow.machine import Change, Machine, Transition

from .audit_actions import AuditAction
from .models import Case, CaseEvent

S = Case.Status
OPEN_FOR_DECISION = {S.FILED, S.IN_EVALUATION, S.CORRECTED}


def _event(change: Change[Case]) -> None:
    CaseEvent.objects.create(case=change.obj, transition=change.transition.name, from_status=change.source,
                             to_status=change.target, reason=change.reason[:300], actor_repr=actor_repr(change.actor))


def _refused(case: Case, state: str, t: Transition) -> str:
    return _("El expediente está «%(state)s» y no admite ese paso.") % {"state": S(state).label}


CASE: Machine[Case] = Machine(
    model=Case,
    transitions=[
        Transition("file", {S.DRAFT}, S.FILED, action=AuditAction.CASE_FILED),
        Transition("evaluate", {S.FILED}, S.IN_EVALUATION, action=AuditAction.CASE_EVALUATION),
        Transition("observe", {S.FILED, S.IN_EVALUATION}, S.OBSERVED, action=AuditAction.CASE_OBSERVED),
        Transition("correct", {S.OBSERVED}, S.CORRECTED, action=AuditAction.CASE_CORRECTED),
        Transition("resume", {S.CORRECTED}, S.IN_EVALUATION, action=AuditAction.CASE_RESUMED),
        Transition("approve", OPEN_FOR_DECISION | {S.APPEALED}, S.RESOLVED, action=AuditAction.CASE_APPROVED),
        Transition("approve_by_silence", OPEN_FOR_DECISION, S.RESOLVED, action=AuditAction.CASE_APPROVED_BY_SILENCE),
        Transition("deny", OPEN_FOR_DECISION | {S.APPEALED}, S.RESOLVED, action=AuditAction.CASE_DENIED),
        Transition("declare_inadmissible", OPEN_FOR_DECISION, S.RESOLVED, action=AuditAction.CASE_INADMISSIBLE),
        Transition("notify", {S.RESOLVED}, S.NOTIFIED, action=AuditAction.CASE_NOTIFIED),
        Transition("become_final", {S.NOTIFIED}, S.FINAL, action=AuditAction.CASE_FINAL),
        Transition("apply_effects", {S.RESOLVED}, S.EFFECTS_APPLIED, action=AuditAction.CASE_EFFECTS_APPLIED),
        Transition("not_file", {S.OBSERVED}, S.NOT_FILED, action=AuditAction.CASE_NOT_FILED),
        Transition("withdraw", {S.FILED, S.IN_EVALUATION, S.OBSERVED, S.CORRECTED}, S.WITHDRAWN,
                   action=AuditAction.CASE_WITHDRAWN),
        Transition("abandon", {S.OBSERVED}, S.ABANDONED, action=AuditAction.CASE_ABANDONED),
        # Against a notified adverse resolution, or against negative silence (the term passed undecided).
        Transition("appeal", {S.NOTIFIED, S.FILED, S.IN_EVALUATION, S.CORRECTED}, S.APPEALED,
                   action=AuditAction.CASE_APPEALED),
    ],
    event=_event,
    refused_message=_refused,
    audit_purpose="trámite en línea",
)
