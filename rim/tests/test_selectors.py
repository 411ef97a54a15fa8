"""RIM reads: fuzzy name search, exact document search, audited record reads."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from auditoria.models import AuditEntry
from core.errors import Conflict, NotFound, ValidationFailed
from rim import selectors, services

from .factories import CrossingPointFactory, IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="oficial.callao", password="x-Secreta-2024")


@pytest.fixture
def registry():
    """A target among namesakes and near-namesakes, so ranking matters."""
    people = {
        "target": PersonFactory(given_names="José Luis", first_surname="Núñez", second_surname="de la Cruz",
                                birth_date=dt.date(1988, 5, 9), sex="M"),
        "same_first_names": PersonFactory(given_names="José Luis", first_surname="Núñez", second_surname="Quispe",
                                          sex="M"),
        "near": PersonFactory(given_names="José Lucas", first_surname="Nuñes", second_surname="Cruz", sex="M"),
        "sister": PersonFactory(given_names="Luisa", first_surname="Núñez", second_surname="de la Cruz"),
        "rosa": PersonFactory(given_names="Rosa Elena", first_surname="Quispe", second_surname="Mamani"),
        "rosa_other": PersonFactory(given_names="Rosa", first_surname="Quispe", second_surname="Flores"),
        "foreigner": PersonFactory(given_names="Yusneidy", first_surname="Briceño", second_surname="Rondón",
                                   nationality="VEN"),
    }
    for n in range(30):  # unrelated noise
        PersonFactory(given_names=f"Persona{chr(65 + n % 26)}", first_surname="Gutiérrez", second_surname="Torres")
    IdentityDocumentFactory(person=people["target"], number="70275799")
    IdentityDocumentFactory(person=people["foreigner"], kind="PASAPORTE_EXTRANJERO", number="V12345678",
                            issuing_state="VEN")
    return people


def _ids(matches) -> list[int]:
    return [m.person_id for m in matches]


@pytest.mark.parametrize("query", [
    "José Luis Núñez de la Cruz",      # as written
    "jose luis nunez de la cruz",      # no accents, lower case
    "Jose Luis Nuñez De La Cruz",      # "Nuñez" finds "NÚÑEZ"
    "Cruz De la José Luis Núñez",      # word order
    "Jose Luis Nunes de la Cruz",      # one typo
    "Jose Lius Nuñez de la Cruz",      # one transposition
])
def test_name_variants_find_the_person_first(registry, query):
    matches = selectors.person_search(query=query)
    assert matches and matches[0].person_id == registry["target"].pk
    assert matches[0].matched_by == "name"
    assert matches[0].full_name == "Núñez de la Cruz, José Luis"


def test_missing_second_surname_does_not_hide_the_person(registry):
    matches = selectors.person_search(query="Rosa Elena Quispe")
    assert matches[0].person_id == registry["rosa"].pk
    assert registry["rosa_other"].pk in _ids(matches)
    assert matches[0].score > matches[_ids(matches).index(registry["rosa_other"].pk)].score


def test_exact_namesake_ranks_before_near_names(registry):
    matches = selectors.person_search(query="José Luis Núñez Quispe")
    assert _ids(matches)[0] == registry["same_first_names"].pk
    assert registry["target"].pk in _ids(matches)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1


def test_unrelated_name_finds_nobody_from_the_registry(registry):
    assert selectors.person_search(query="Wolfgang Amadeus Mozart") == []


def test_document_number_finds_exactly_with_documents_listed(registry):
    [match] = selectors.person_search(query="70275799")
    assert (match.person_id, match.matched_by, match.score) == (registry["target"].pk, "document", 1.0)
    assert [(d.kind, d.number) for d in match.documents] == [("DNI", "70275799")]
    # a foreign passport, typed with a separator, is found as well; a near number is not
    assert _ids(selectors.person_search(query="v-12345678")) == [registry["foreigner"].pk]
    assert selectors.person_search(query="70275798") == []


def test_search_is_audited_when_an_actor_is_given(registry, officer):
    matches = selectors.person_search(query="Quispe Mamani Rosa", actor=officer, purpose="Control migratorio")
    entries = AuditEntry.objects.filter(action="rim.person_search")
    # one read per person returned, each under that person
    assert sorted(e.person_id for e in entries) == sorted(m.person_id for m in matches)
    entry = entries.get(person_id=registry["rosa"].pk)
    assert entry.kind == "read" and entry.purpose == "Control migratorio"
    assert registry["rosa"].pk in entry.details["results"]


def test_a_search_that_finds_nobody_is_still_audited_once(registry, officer):
    assert selectors.person_search(query="Wolfgang Amadeus Mozart", actor=officer, purpose="Control migratorio") == []
    (entry,) = AuditEntry.objects.filter(action="rim.person_search")
    assert entry.person_id is None and entry.details["results"] == []


def test_person_get_is_audited_for_the_person_with_its_purpose(registry, officer):
    person = selectors.person_get(person_id=registry["target"].pk, actor=officer, purpose="Trámite de pasaporte")
    assert [d.number for d in person.documents.all()] == ["70275799"]
    entry = AuditEntry.objects.get(action="rim.person_get")
    assert (entry.kind, entry.person_id, entry.purpose, entry.actor_id) == (
        "read", registry["target"].pk, "Trámite de pasaporte", officer.pk)


def test_person_get_requires_purpose_and_existing_person(registry, officer):
    with pytest.raises(ValidationFailed) as exc:
        selectors.person_get(person_id=registry["target"].pk, actor=officer, purpose="")
    assert "purpose" in exc.value.fields
    with pytest.raises(NotFound):
        selectors.person_get(person_id=987654321, actor=officer, purpose="Consulta")
    assert not AuditEntry.objects.filter(action="rim.person_get").exists()


def test_person_by_document(registry):
    assert selectors.person_by_document(number="70275799") == registry["target"]
    assert selectors.person_by_document(kind="PASAPORTE_EXTRANJERO", number="V12345678", issuing_state="VEN") == registry["foreigner"]
    assert selectors.person_by_document(kind="PASAPORTE_EXTRANJERO", number="V12345678", issuing_state="COL") is None
    # the same number in two states names two people: the caller must say which
    IdentityDocumentFactory(kind="PASAPORTE_EXTRANJERO", number="V12345678", issuing_state="COL")
    with pytest.raises(Conflict):
        selectors.person_by_document(number="V12345678")


def test_person_movements_newest_first_and_audited(registry, officer):
    person, point = registry["target"], CrossingPointFactory()
    start = timezone.now() - dt.timedelta(days=10)
    services.movement_record(actor=officer, person=person, direction="EXIT", crossing_point=point, channel="COUNTER",
                             occurred_at=start)
    services.movement_record(actor=officer, person=person, direction="ENTRY", crossing_point=point, channel="EGATE",
                             occurred_at=start + dt.timedelta(days=5))
    movements = selectors.person_movements(person_id=person.pk, actor=officer, purpose="Certificado de movimiento")
    assert [m.direction for m in movements] == ["ENTRY", "EXIT"]
    assert AuditEntry.objects.get(action="rim.person_movements").person_id == person.pk


def test_person_for_user(registry, officer):
    assert selectors.person_for_user(officer) is None
    services.person_update(actor=officer, person=registry["rosa"], data={"user": officer})
    assert selectors.person_for_user(officer) == registry["rosa"]
