"""The declared transitions of biometria's long-lived records (workflow.Machine): an enrollment's status,
and the review case an officer decides."""
from django.utils.translation import gettext_lazy

from core.actor import actor_name
from workflow.machine import Change, Effect, Machine, Transition

from .audit_actions import AuditAction
from .models import DuplicateCase, Enrollment, EnrollmentEvent

E = Enrollment.Status
S = DuplicateCase.Status


def _enrollment_event(change: Change[Enrollment]) -> None:
    EnrollmentEvent.objects.create(enrollment=change.obj, from_status=change.source, to_status=change.target,
                                   actor_repr=actor_name(change.actor), reason=change.reason[:500])


def _enrollment_effects(change: Change[Enrollment]) -> list[Effect]:
    # The 1:N gallery follows the status (the task is idempotent); a new enrollment held for review
    # was never in it, so only one in force at once is queued on creation.
    if not change.source and change.target != E.ACTIVE:
        return []
    return [Effect("biometria.tasks.gallery_sync_task", queue="biometrics",
                   kwargs={"enrollment_id": change.obj.pk})]


# Created in force, or held for an officer's case (DUPLICATE or REPLACEMENT); decided once; an
# enrollment in force is superseded by the next one of the person or cancelled with a reason.
ENROLLMENT: Machine[Enrollment] = Machine(
    model=Enrollment,
    field="status",
    transitions=[
        Transition("enroll", (), E.ACTIVE, action=AuditAction.ENROLL),
        Transition("enroll_for_review", (), E.PENDING_REVIEW, action=AuditAction.ENROLL),
        Transition("activate", {E.PENDING_REVIEW}, E.ACTIVE, action=AuditAction.ENROLLMENT_STATUS),
        Transition("reject", {E.PENDING_REVIEW}, E.REJECTED, action=AuditAction.ENROLLMENT_STATUS),
        Transition("supersede", {E.ACTIVE}, E.SUPERSEDED, action=AuditAction.ENROLLMENT_STATUS),
        Transition("cancel", {E.PENDING_REVIEW, E.ACTIVE}, E.CANCELLED, action=AuditAction.ENROLLMENT_STATUS),
    ],
    event=_enrollment_event,
    effects=_enrollment_effects,
    refused_message=gettext_lazy("El enrolamiento no admite ese cambio de estado."),
)


# An open case is decided once: DUPLICATE cases as different or same person, REPLACEMENT cases approved
# or refused (the enrollment then moves on ENROLLMENT, in the same transaction).
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
