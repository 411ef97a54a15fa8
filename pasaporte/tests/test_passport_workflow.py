"""The passport's own status goes through its workflow machine (pasaporte/workflows.py PASSPORT): issued at
personalization, then delivered or cancelled once; a move from the wrong state is a 409 that writes nothing."""
import pytest

from auditoria.models import AuditEntry
from pasaporte import services
from pasaporte.audit_actions import AuditAction
from pasaporte.models import Application, ApplicationEvent, CheckResult, Passport
from pasaporte.workflows import PASSPORT
from rim.models import IdentityDocument
from workflow.machine import TransitionNotAllowed

from . import factories

pytestmark = pytest.mark.django_db
P = Passport.Status


def _passport_actions(passport: Passport) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="pasaporte.passport", object_id=str(passport.pk))
                .order_by("id").values_list("action", flat=True))


def test_a_passport_reported_lost_before_collection_is_not_handed_over(ready, citizen, officer):
    # Given a passport ready at the counter, which its holder reports lost (and then stolen)
    passport = Passport.objects.get(application=ready)
    assert passport.status == P.PERSONALIZED and _passport_actions(passport) == [AuditAction.PASSPORT_ISSUE]
    services.passport_report_loss(actor=citizen, document_id=passport.rim_document_id,
                                  status=IdentityDocument.Status.PERDIDO, reason="extravío")
    services.passport_report_loss(actor=citizen, document_id=passport.rim_document_id,
                                  status=IdentityDocument.Status.ROBADO, reason="era un robo")
    passport.refresh_from_db()
    # Then it is cancelled once, as lost, and the RIM says stolen
    assert passport.status == P.CANCELLED
    assert _passport_actions(passport) == [AuditAction.PASSPORT_ISSUE, AuditAction.PASSPORT_CANCEL_LOST]
    assert IdentityDocument.objects.get(pk=passport.rim_document_id).status == IdentityDocument.Status.ROBADO
    # When the officer checks the holder's face to hand it over
    with pytest.raises(TransitionNotAllowed) as refused:
        services.passport_deliver(actor=officer, application_id=ready.pk, face=factories.read("faces/obama2.jpg"))
    # Then it is a 409 naming the passport, and nothing of the delivery is written
    assert refused.value.status == 409 and passport.number in str(refused.value)
    passport.refresh_from_db()
    ready.refresh_from_db()
    assert passport.status == P.CANCELLED and ready.status == Application.Status.READY
    assert _passport_actions(passport) == [AuditAction.PASSPORT_ISSUE, AuditAction.PASSPORT_CANCEL_LOST]
    assert not ApplicationEvent.objects.filter(application=ready, to_status=Application.Status.DELIVERED).exists()
    assert not CheckResult.objects.filter(application=ready, outcome="CLEAR", detail__step="entrega").exists()


def test_a_delivered_passport_is_not_delivered_or_left_uncollected_again(ready, officer):
    # Given a passport delivered after the holder's face was checked
    services.passport_deliver(actor=officer, application_id=ready.pk, face=factories.read("faces/obama2.jpg"))
    passport = Passport.objects.get(application=ready)
    assert passport.status == P.DELIVERED
    assert _passport_actions(passport) == [AuditAction.PASSPORT_ISSUE, AuditAction.PASSPORT_DELIVER]
    entries = AuditEntry.objects.count()
    for name in ("deliver", "cancel_uncollected"):
        # When the machine is asked to move it from a state the move does not start from
        with pytest.raises(TransitionNotAllowed) as refused:
            PASSPORT.transition(actor=officer, pk=passport.pk, name=name)
        # Then 409, and the passport and the audit log stay as they were
        assert refused.value.status == 409 and refused.value.code == "transition_not_allowed"
        passport.refresh_from_db()
        assert passport.status == P.DELIVERED and AuditEntry.objects.count() == entries
