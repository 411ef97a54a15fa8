"""The demo registry: deterministic, searchable, and safe to load twice."""
import pytest

from auditoria.models import AuditEntry
import datetime as dt

from django.utils import timezone

from rim.demo import CROSSING_POINTS, seed_registry
from rim.models import CrossingPoint, IdentityDocument, Movement, Person, ResidenceStatus
from rim.selectors import person_by_document, person_search, residence_status_current

pytestmark = pytest.mark.django_db


def test_seed_registry_loads_demo_persons_once_and_is_searchable():
    # given an empty registry, when the demo is loaded
    first = seed_registry(persons=400, batch_size=150)
    # then it holds about the persons asked for, with the five demo persons and the crossing points
    assert first["total_persons"] == Person.objects.count() == 400
    assert first["demo_persons"] == 5 and not first["skipped"]
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


def test_the_demo_foreigners_are_a_resident_worker_a_cpp_holder_and_a_tourist():
    # given the demo registry
    seed_registry(persons=150, batch_size=100)
    today = timezone.localdate()
    # then the resident worker holds a 9-digit carné and a residence ending in about 60 days
    worker = person_by_document(number="901234567", kind="CARNE_EXTRANJERIA")
    residence = residence_status_current(person_id=worker.pk)
    assert residence.calidad == "TRABAJADOR_RESIDENTE" and residence.valid_until == today + dt.timedelta(days=60)
    assert worker.movements.get().occurred_at < timezone.now() - dt.timedelta(days=365 * 3)
    # the Venezuelan holds a CPP for about a year more and entered over six months ago
    ana = person_by_document(number="VE1234567", issuing_state="VEN")
    assert (ana.full_name, ana.nationality) == ("RODRÍGUEZ PÉREZ, ANA MARÍA", "VEN")
    cpp = residence_status_current(person_id=ana.pk)
    assert cpp.calidad == "CPP" and cpp.valid_until == today + dt.timedelta(days=365)
    assert ana.documents.filter(kind="PTP", number="CPP90123456").exists()
    assert ana.movements.get().occurred_at < timezone.now() - dt.timedelta(days=183)
    # the Colombian tourist entered 60 days ago and has no calidad
    camila = person_by_document(number="AO9012345", issuing_state="COL")
    entry = camila.movements.get()
    assert entry.direction == Movement.Direction.ENTRY and entry.channel == "COUNTER"
    assert (timezone.now() - entry.occurred_at).days == 60
    assert not camila.residence_statuses.exists()
    # and generated holders of a carné or a PTP have the calidad their document proves, with its dates
    for document in IdentityDocument.objects.filter(kind__in=["CARNE_EXTRANJERIA", "PTP"]).exclude(
            number__in=["901234567", "CPP90123456"]):
        status = ResidenceStatus.objects.get(person_id=document.person_id)
        assert (status.valid_from, status.valid_until) == (document.issue_date, document.expiry_date)
        assert (status.calidad == "PTP") == (document.kind == "PTP")
