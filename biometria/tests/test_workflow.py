"""An enrollment's status goes through its workflow machine (biometria/workflows.py ENROLLMENT): every move
writes its EnrollmentEvent and audit entry and queues the gallery sync; a move from the wrong state is a 409
that writes nothing."""
import pytest

from auditoria.models import AuditEntry
from biometria import services
from biometria.audit_actions import AuditAction
from biometria.models import Enrollment, EnrollmentEvent
from biometria.workflows import ENROLLMENT
from outbox.models import OutboxMessage
from workflow.machine import TransitionNotAllowed

pytestmark = pytest.mark.django_db
E = Enrollment.Status


def test_a_cancelled_enrollment_is_not_cancelled_again_nor_put_back_in_force(
        enroll, make_person, officer, gallery_tmp, django_capture_on_commit_callbacks):
    # Given an enrollment in force, then cancelled with its reason
    enrollment = enroll(make_person(), "obama.jpg").enrollment
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_cancel(actor=officer, enrollment_id=enrollment.pk, reason="pasaporte anulado")
    assert not gallery_tmp.contains(enrollment.pk)
    assert list(EnrollmentEvent.objects.filter(enrollment=enrollment).values_list("from_status", "to_status")) == [
        ("", E.ACTIVE), (E.ACTIVE, E.CANCELLED)]
    assert list(AuditEntry.objects.filter(object_type="biometria.enrollment", object_id=str(enrollment.pk))
                .exclude(kind=AuditEntry.Kind.READ).order_by("id").values_list("action", flat=True)) == [AuditAction.ENROLL, AuditAction.ENROLLMENT_STATUS]
    entries, events, queued = AuditEntry.objects.count(), EnrollmentEvent.objects.count(), OutboxMessage.objects.count()
    # When it is cancelled again, or moved by any transition from a state it does not start from
    with pytest.raises(TransitionNotAllowed) as refused:
        services.enrollment_cancel(actor=officer, enrollment_id=enrollment.pk, reason="otra vez")
    assert refused.value.status == 409 and "no admite ese cambio" in str(refused.value)
    for name in ("activate", "reject", "supersede"):
        with pytest.raises(TransitionNotAllowed):
            ENROLLMENT.transition(actor=officer, pk=enrollment.pk, name=name, reason="prueba")
    # Then it stays cancelled, out of the gallery, with no new event, audit entry or task
    enrollment.refresh_from_db()
    assert enrollment.status == E.CANCELLED and not gallery_tmp.contains(enrollment.pk)
    assert (AuditEntry.objects.count(), EnrollmentEvent.objects.count(), OutboxMessage.objects.count()) == (
        entries, events, queued)
