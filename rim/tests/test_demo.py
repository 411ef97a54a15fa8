"""The demo registry: deterministic, searchable, and safe to load twice."""
import pytest

from auditoria.models import AuditEntry
from rim.demo import CROSSING_POINTS, seed_registry
from rim.models import CrossingPoint, IdentityDocument, Person
from rim.selectors import person_search

pytestmark = pytest.mark.django_db


def test_seed_registry_loads_demo_persons_once_and_is_searchable():
    # given an empty registry, when the demo is loaded
    first = seed_registry(persons=400, batch_size=150)
    # then it holds about the persons asked for, with the two demo persons and the crossing points
    assert first["total_persons"] == Person.objects.count() == 400
    assert first["demo_persons"] == 2 and not first["skipped"]
    assert CrossingPoint.objects.count() == len(CROSSING_POINTS)
    [jorge] = person_search(query="70275722")
    assert jorge.full_name == "CARDENAS, JORGE ANTHONY" and str(jorge.birth_date) == "1989-06-12"
    assert person_search(query="Quispe Mamani Rosa Elena")[0].documents[0].number == "45678912"
    # and names keep their accents while the search form drops them
    accented = Person.objects.filter(first_surname__in=["Núñez", "Huamán", "Cárdenas", "Chávez"]).first()
    assert accented is not None and accented.search_name.isascii()
    # when it is loaded again, nothing is duplicated
    again = seed_registry(persons=400, batch_size=150)
    assert again["skipped"] and Person.objects.count() == 400
    assert IdentityDocument.objects.filter(number="70275722").count() == 1
    assert AuditEntry.objects.filter(action="rim.seed_registry").count() == 1


def test_seed_registry_is_deterministic_and_extends_without_clashes():
    seed_registry(persons=120, batch_size=50)
    names_before = list(Person.objects.order_by("id").values_list("search_name", flat=True))
    seed_registry(persons=260, batch_size=50)
    names_after = list(Person.objects.order_by("id").values_list("search_name", flat=True))
    assert names_after[:120] == names_before and len(names_after) == 260
    numbers = list(IdentityDocument.objects.values_list("kind", "issuing_state", "number"))
    assert len(numbers) == len(set(numbers))
