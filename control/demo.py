"""Demo data of control: the crossing that granted the demo tourist's stay (rim.demo makes her entry).

rim sits below control, so rim.demo records the movement and this module, called by `seed_demo`,
adds the counter's decision that goes with it (days granted on entry are kept on the crossing).
"""
from django.db import transaction

from auditoria.services import audit_record
from rim.demo import DEMO_TOURIST_DAYS_GRANTED, DEMO_TOURIST_PASSPORT, SEED_ACTOR
from rim.models import IdentityDocument, Movement

from .audit_actions import AuditAction
from .models import Crossing


@transaction.atomic
def demo_entry_crossings() -> int:
    """The PASS crossing of the demo tourist's entry with its 90 days granted, made once; returns how many."""
    document = (IdentityDocument.objects.select_related("person")
                .filter(kind=IdentityDocument.Kind.PASAPORTE_EXTRANJERO, number=DEMO_TOURIST_PASSPORT).first())
    if document is None:
        return 0
    entry = (Movement.objects.filter(person=document.person, direction=Movement.Direction.ENTRY)
             .order_by("-occurred_at").first())
    if entry is None or Crossing.objects.filter(movement=entry).exists():
        return 0
    person = document.person
    crossing = Crossing(
        channel=entry.channel, direction=entry.direction, crossing_point=entry.crossing_point,
        decision=Crossing.Decision.PASS, review=Crossing.Review.NONE, document_code="P",
        document_number=document.number, issuing_state=document.issuing_state, nationality=person.nationality,
        surnames=person.surnames.upper(), given_names=person.given_names.upper(), birth_date=person.birth_date,
        sex=person.sex, expiry_date=document.expiry_date, flight=entry.flight, origin=entry.origin,
        destination=entry.destination, purpose="TURISMO", days_granted=DEMO_TOURIST_DAYS_GRANTED, person=person,
        movement=entry, actor_repr=SEED_ACTOR,
    )
    crossing.full_clean(exclude=["person", "movement", "crossing_point"])
    crossing.save()
    Crossing.objects.filter(pk=crossing.pk).update(created_at=entry.occurred_at)
    audit_record(actor=SEED_ACTOR, action=AuditAction.CROSSING_DECIDE, obj=crossing, person_id=person.pk,
                 purpose="control migratorio",
                 details={"decision": crossing.decision, "channel": crossing.channel, "direction": crossing.direction,
                          "crossing_point": entry.crossing_point.code, "reasons": [], "device": "", "demo": True})
    return 1
