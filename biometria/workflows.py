"""The declared transitions of a biometric review case, decided by an officer (workflow.Machine)."""
from django.utils.translation import gettext_lazy

from workflow.machine import Machine, Transition

from .audit_actions import AuditAction
from .models import DuplicateCase

S = DuplicateCase.Status


# An open case is decided once: DUPLICATE cases as different or same person, REPLACEMENT cases approved
# or refused. The enrollment's own status moves in biometria.services (EnrollmentEvent rows).
DUPLICATE_CASE: Machine[DuplicateCase] = Machine(
    model=DuplicateCase,
    field="status",
    transitions=[
        Transition("different_persons", {S.OPEN}, S.DIFFERENT_PERSONS, action=AuditAction.DUPLICATE_CASE_DECIDE),
        Transition("same_person", {S.OPEN}, S.SAME_PERSON, action=AuditAction.DUPLICATE_CASE_DECIDE),
        Transition("approve_replacement", {S.OPEN}, S.APPROVED, action=AuditAction.DUPLICATE_CASE_DECIDE),
        Transition("refuse_replacement", {S.OPEN}, S.REFUSED, action=AuditAction.DUPLICATE_CASE_DECIDE),
    ],
    # The case names no person itself: the entry is the new enrollment's person's.
    person=lambda case: case.enrollment.person_id,
    refused_message=gettext_lazy("El caso ya fue decidido."),
)
