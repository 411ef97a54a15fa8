"""Fixtures of tramites' tests: foreigners as the RIM knows them (a resident worker near the end of their
residence, a CPP holder, an Andean visitor, a citizen), their accounts, officers of a sede, and receipts
recorded at the bank simulator."""
from __future__ import annotations

import datetime as dt
import itertools
import io

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cuentas.models import Office
from cuentas.services import user_role_add
from rim import services as rim_services
from rim.models import Movement, Person
from rim.tests.factories import CrossingPointFactory, IdentityDocumentFactory, PersonFactory

_numbers = itertools.count(1)
SYSTEM = "system:pruebas"


@pytest.fixture(autouse=True)
def _tramites_settings(request, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BUZON_DEEMED_AFTER_BUSINESS_DAYS = 5
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("document_signing")
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    catalogues_load()


def catalogues_load() -> None:
    """The procedures, fees and calendars: data migrations load them, and a transactional test's flush empties them."""
    from tramites.catalogue import catalogue_sync, read_catalogue
    from tramites.models import ProcedureType

    if not ProcedureType.objects.exists():
        catalogue_sync(read_catalogue(), model=ProcedureType)
        call_command("pagos_load", stdout=io.StringIO())
        call_command("calendario_load", "--all", stdout=io.StringIO())


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def account(person: Person | None = None, *, role: str = "foreigner", linked: bool = True):
    n = next(_numbers)
    user = get_user_model().objects.create_user(
        username=f"persona{n}@example.pe", email=f"persona{n}@example.pe", password="Persona-2026!",
        email_verified=True, dni=None, phone="987654321")
    user_role_add(user=user, role=role)
    if person is not None and linked:
        person.user = user
        person.save(update_fields=["user"])
    return user


def enter(person: Person, *, days_ago: int) -> Movement:
    return rim_services.movement_record(actor=SYSTEM, person=person, direction="ENTRY",
                                        crossing_point=CrossingPointFactory(), channel="COUNTER",
                                        occurred_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def office(db):
    return lima_office()


def lima_office() -> Office:
    return Office.objects.get_or_create(code="LIMA", defaults={"name": "Sede Lima", "address": "Av. España 734",
                                                               "city": "Lima"})[0]


@pytest.fixture
def worker(db, office):
    """A resident worker whose residence ends in 60 days: she may ask for the prórroga."""
    return resident_worker()


def resident_worker() -> Person:
    person = PersonFactory(given_names="Ana Lucía", first_surname="Gómez", second_surname="Restrepo",
                           nationality="COL", birth_date=dt.date(1990, 3, 14), sex="F")
    IdentityDocumentFactory(person=person, kind="CARNE_EXTRANJERIA", number="001234567", issuing_state="PER")
    rim_services.residence_status_set(actor=SYSTEM, person=person, calidad="TRABAJADOR_RESIDENTE",
                                      valid_from=days(-305), valid_until=days(60), reference="RES-2025-1")
    enter(person, days_ago=400)
    return person


@pytest.fixture
def worker_user(worker):
    return account(worker)


@pytest.fixture
def cpp_holder(db, office):
    """A Venezuelan CPP holder of eight months, in the country."""
    person = PersonFactory(given_names="José Gregorio", first_surname="Pérez", second_surname="Linares",
                           nationality="VEN", birth_date=dt.date(1988, 7, 2), sex="M")
    IdentityDocumentFactory(person=person, kind="PTP", number="000987654", issuing_state="PER")
    rim_services.residence_status_set(actor=SYSTEM, person=person, calidad="CPP", valid_from=days(-240),
                                      valid_until=days(125), reference="CPP-2026-9")
    enter(person, days_ago=300)
    return person


@pytest.fixture
def cpp_user(cpp_holder):
    return account(cpp_holder)


@pytest.fixture
def visitor(db, office):
    """A Colombian visitor who entered 60 days ago."""
    person = PersonFactory(given_names="Camilo", first_surname="Ramírez", second_surname="Ortiz", nationality="COL",
                           birth_date=dt.date(1995, 1, 20), sex="M")
    IdentityDocumentFactory(person=person, kind="PASAPORTE_EXTRANJERO", number="AV1234567", issuing_state="COL")
    enter(person, days_ago=60)
    return person


def officer(office, *, role: str = "officer", name: str = ""):
    n = next(_numbers)
    user = get_user_model().objects.create_user(username=name or f"servidor{n}", password="Servidor-2026!",
                                                office=office)
    user_role_add(user=user, role=role)
    return user


@pytest.fixture
def officers(office):
    return officer(office, name="evaluadora"), officer(office, name="revisor")


@pytest.fixture
def bank_receipt(external_systems):
    """Record a payment made at a bank window in the simulator; returns its operation number."""

    def record(*, amount: str, fee_code: str, payer: str, date: dt.date | None = None) -> tuple[str, dt.date]:
        date = date or timezone.localdate()
        response = requests.post(f"{external_systems.base_url}/banco-nacion/__receipts__", timeout=5, json={
            "payment_date": date.isoformat(), "amount": amount, "fee_code": fee_code, "payer_dni": payer})
        response.raise_for_status()
        return response.json()["receipt_number"], date

    return record


def pdf_bytes(pages: int = 1, text: str = "documento") -> bytes:
    """A small real PDF (pikepdf), of `pages` pages."""
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
