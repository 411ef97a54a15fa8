"""RIM writes: validation that names the field, allowed transitions, and an audit entry for each."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from auditoria.models import AuditEntry
from core.errors import Conflict, ValidationFailed
from rim import services
from rim.models import DocumentStatusEvent, IdentityDocument, Person
from rim.selectors import active_alerts_for

from .factories import CrossingPointFactory, IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="oficial.lima", password="x-Secreta-2024")


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def test_person_create_keeps_names_as_written_and_audits(officer):
    # given an officer registering a person with accents and a compound surname
    person = services.person_create(
        actor=officer, given_names="José Luis", first_surname="Núñez", second_surname="de la Cruz",
        birth_date=dt.date(1990, 2, 3), sex="M", nationality="per",
    )
    # then the names stay as written, search uses the plain form, and the write is in the audit log
    person.refresh_from_db()
    assert (person.given_names, person.second_surname) == ("José Luis", "de la Cruz")
    assert person.search_name == "JOSE LUIS NUNEZ DE LA CRUZ"
    assert person.nationality == "PER"
    [entry] = _audit("rim.person_create")
    assert entry.kind == "write" and entry.person_id == person.pk and entry.actor_id == officer.pk


def test_person_create_rejects_a_bad_nationality_naming_the_field(officer):
    with pytest.raises(ValidationFailed) as exc:
        services.person_create(actor=officer, given_names="Ana", first_surname="Ríos", birth_date=dt.date(2000, 1, 1),
                               sex="F", nationality="PERU")
    assert "nationality" in exc.value.fields
    assert not Person.objects.exists() and not _audit("rim.person_create")


def test_person_update_refreshes_search_name_and_lists_changed_fields(officer):
    person = PersonFactory()
    services.person_update(actor=officer, person=person, data={"second_surname": "Ñañez", "height_cm": 160})
    person.refresh_from_db()
    assert person.search_name == "MARIA DEL CARMEN QUISPE NANEZ"
    [entry] = _audit("rim.person_update")
    assert entry.details == {"fields": ["height_cm", "second_surname"]}


def test_person_update_refuses_fields_outside_the_record(officer):
    with pytest.raises(ValidationFailed) as exc:
        services.person_update(actor=officer, person=PersonFactory(), data={"search_name": "OTRO"})
    assert "search_name" in exc.value.fields


def test_document_add_normalizes_number_and_refuses_duplicates(officer):
    person = PersonFactory()
    document = services.document_add(actor=officer, person=person, kind="PASAPORTE", number="12 345-6789",
                                     issuing_state="PER")
    assert document.number == "123456789"
    with pytest.raises(Conflict) as exc:
        services.document_add(actor=officer, person=PersonFactory(), kind="PASAPORTE", number="123456789",
                               issuing_state="PER")
    assert "number" in exc.value.fields
    assert IdentityDocument.objects.count() == 1
    assert _audit("rim.document_add")[0].person_id == person.pk


def test_document_add_refuses_expiry_before_issue(officer):
    with pytest.raises(ValidationFailed) as exc:
        services.document_add(actor=officer, person=PersonFactory(), kind="DNI", number="12345678", issuing_state="PER",
                              issue_date=dt.date(2024, 1, 1), expiry_date=dt.date(2023, 1, 1))
    assert "expiry_date" in exc.value.fields


def test_cancelled_passport_cannot_become_valid_again(officer):
    # given a valid passport that is cancelled on delivery of a new one
    passport = IdentityDocumentFactory(kind="PASAPORTE", number="117654321")
    services.document_set_status(actor=officer, document=passport, status="CANCELADO", reason="Entrega de nuevo pasaporte")
    passport.refresh_from_db()
    assert passport.status == "CANCELADO"
    event = DocumentStatusEvent.objects.get(document=passport)
    assert (event.from_status, event.to_status, event.actor_repr) == ("VIGENTE", "CANCELADO", "oficial.lima")
    assert _audit("rim.document_set_status")[0].details["to"] == "CANCELADO"
    # when someone tries to make it valid again, then it is refused and nothing changes
    with pytest.raises(Conflict) as exc:
        services.document_set_status(actor=officer, document=passport, status="VIGENTE", reason="error")
    assert "status" in exc.value.fields
    passport.refresh_from_db()
    assert passport.status == "CANCELADO"


def test_status_change_needs_a_reason(officer):
    with pytest.raises(ValidationFailed) as exc:
        services.document_set_status(actor=officer, document=IdentityDocumentFactory(), status="PERDIDO", reason=" ")
    assert "reason" in exc.value.fields


def test_family_link_to_oneself_is_refused(officer):
    person = PersonFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.family_link_add(actor=officer, person=person, relative=person, relation="HERMANO")
    assert "relative" in exc.value.fields
    mother = PersonFactory(given_names="Rosa", birth_date=dt.date(1960, 1, 1))
    services.family_link_add(actor=officer, person=person, relative=mother, relation="MADRE")
    assert [(l.relative_id, l.relation) for l in person.family_links.all()] == [(mother.pk, "MADRE")]
    with pytest.raises(Conflict):
        services.family_link_add(actor=officer, person=person, relative=mother, relation="MADRE")


def test_workplace_with_an_invalid_ruc_is_refused(officer):
    person = PersonFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.workplace_add(actor=officer, person=person, employer="Minera S.A.", ruc="20100079701")
    assert "ruc" in exc.value.fields
    workplace = services.workplace_add(actor=officer, person=person, employer="Minera S.A.", ruc="20100079705",
                                       position="Ingeniero", since=dt.date(2020, 1, 1))
    assert person.workplaces.get() == workplace
    services.study_add(actor=officer, person=person, institution="UNMSM", level="UNIVERSITARIA", field="Derecho", year=2012)
    assert {e.action for e in AuditEntry.objects.filter(person_id=person.pk)} == {"rim.workplace_add", "rim.study_add"}


def test_movement_records_who_and_refuses_someone_elses_document(officer):
    person, other_document = PersonFactory(), IdentityDocumentFactory()
    point = CrossingPointFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.movement_record(actor=officer, person=person, direction="EXIT", crossing_point=point,
                                 channel="COUNTER", document=other_document)
    assert "document" in exc.value.fields
    own = IdentityDocumentFactory(person=person, kind="PASAPORTE", number="118000001")
    movement = services.movement_record(actor="device:GATE-01", person=person, direction="EXIT", crossing_point=point,
                                        channel="EGATE", document=own, flight="la2401", destination="Santiago")
    assert (movement.recorded_by, movement.flight) == ("device:GATE-01", "LA2401")
    assert _audit("rim.movement_record")[0].actor_repr == "device:GATE-01"


def test_alert_by_document_matches_that_document_until_deactivated(officer):
    # given an Interpol SLTD alert on a Venezuelan passport
    alert = services.alert_create(actor=officer, source="INTERPOL", kind="SLTD", reason="Robado",
                                  document_number="v-1234 5678", issuing_state="VEN", reference="SLTD-77")
    # then that passport is flagged, the same number from another state is not
    assert active_alerts_for(document_number="V12345678", issuing_state="VEN") == [alert]
    assert active_alerts_for(document_number="V12345678", issuing_state="COL") == []
    # when the alert is lifted it no longer matches, and both steps are audited
    services.alert_deactivate(actor=officer, alert=alert, reason="Documento recuperado")
    assert active_alerts_for(document_number="V12345678", issuing_state="VEN") == []
    assert [e.action for e in AuditEntry.objects.filter(object_type="rim.alert")] == ["rim.alert_create", "rim.alert_deactivate"]
    with pytest.raises(Conflict):
        services.alert_deactivate(actor=officer, alert=alert, reason="otra vez")


def test_alert_by_name_matches_despite_accents_order_typo_and_missing_surname(officer):
    born = dt.date(1979, 11, 2)
    alert = services.alert_create(actor=officer, source="PNP", kind="REQUISITORIA", reason="Orden de captura",
                                  full_name="Juan Carlos Huamán De la Cruz", birth_date=born)
    for written in ("JUAN CARLOS HUAMAN DE LA CRUZ", "Huamán de la Cruz Juan Carlos", "Juan Carlos Huaman",
                    "Juan Carlso Huamán De la Cruz"):
        assert active_alerts_for(search_name=written, birth_date=born) == [alert], written
    # a namesake born another day, or another person born that day, is not flagged
    assert active_alerts_for(search_name="Juan Carlos Huamán De la Cruz", birth_date=dt.date(1979, 11, 3)) == []
    assert active_alerts_for(search_name="Pedro Pablo Rojas Díaz", birth_date=born) == []


def test_alert_not_yet_in_force_does_not_match(officer):
    starts = timezone.now() + dt.timedelta(days=2)
    services.alert_create(actor=officer, source="JUDICIAL", kind="IMPEDIMENTO_SALIDA", reason="Resolución",
                          document_number="45678912", issuing_state="PER", active_from=starts)
    assert active_alerts_for(document_number="45678912") == []
    assert len(active_alerts_for(document_number="45678912", on=starts + dt.timedelta(hours=1))) == 1


def test_alert_needs_a_document_or_a_name_with_birth_date(officer):
    with pytest.raises(ValidationFailed) as exc:
        services.alert_create(actor=officer, source="PNP", kind="REQUISITORIA", reason="x", full_name="Ana Díaz")
    assert "document_number" in exc.value.fields


def test_validation_skips_only_existence_queries_never_a_constraint(django_assert_num_queries):
    from rim.models import FamilyLink, Movement

    person, relative = PersonFactory(), PersonFactory()
    point = CrossingPointFactory()
    # A movement's keys come from saved objects: validating it asks the database nothing
    movement = Movement(person=person, crossing_point=point, direction=Movement.Direction.ENTRY,
                        channel=Movement.Channel.COUNTER, occurred_at=timezone.now(), recorded_by="test")
    with django_assert_num_queries(0):
        services._validate(movement)
    # A family link's keys are read by its constraints: they stay validated (a link to oneself is refused)
    assert {"person", "relative"}.isdisjoint(services._saved_relations(FamilyLink(person=person, relative=person)))
    with pytest.raises(ValidationFailed):
        services._validate(FamilyLink(person=person, relative=person, relation=FamilyLink.Relation.values[0]))
