"""The officers' person search and person page: found by any number or a misspelt name, every person shown audited."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from auditoria.models import AuditEntry
from cuentas.models import Office
from cuentas.services import user_role_add

from .factories import IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


class staff_factories:
    """Staff of a sede with TOTP (rim sits below the services: their factories are out of reach)."""

    @staticmethod
    def office():
        return Office.objects.get_or_create(code="LIM-BRE", defaults=dict(name="Sede Breña", address="Av. España 700",
                                                                          city="Lima"))[0]

    @staticmethod
    def staff(username, role, office):
        user = get_user_model().objects.create_user(username=username, password="Servidor-2026!", office=office,
                                                    is_staff=True)
        user_role_add(user=user, role=role)
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        return user

    @staticmethod
    def login_staff(client, user):
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()

    @staticmethod
    def citizen():
        user = get_user_model().objects.create_user(username="70275722", dni="70275722", password="Ciudadano-2026!")
        user_role_add(user=user, role="citizen")
        return user


@pytest.fixture
def people():
    rosa = PersonFactory(given_names="Rosa Elena", first_surname="Quispe", second_surname="Mamani",
                         birth_date=dt.date(1990, 3, 2))
    IdentityDocumentFactory(person=rosa, kind="DNI", number="45678912")
    IdentityDocumentFactory(person=rosa, kind="PASAPORTE", number="120004567")
    yusneidy = PersonFactory(given_names="Yusneidy", first_surname="Briceño", second_surname="Rondón",
                             nationality="VEN")
    IdentityDocumentFactory(person=yusneidy, kind="CARNE_EXTRANJERIA", number="001234567")
    IdentityDocumentFactory(person=yusneidy, kind="PASAPORTE_EXTRANJERO", number="V12345678", issuing_state="VEN")
    for n in range(10):
        PersonFactory(given_names=f"Persona{chr(65 + n)}", first_surname="Gutiérrez", second_surname="Torres")
    return {"rosa": rosa, "yusneidy": yusneidy}


@pytest.fixture
def officer_client(client):
    officer = staff_factories.staff("oficial.brena", "officer", staff_factories.office())
    staff_factories.login_staff(client, officer)
    client.officer = officer
    return client


def _search(client, q, purpose="CONTROL_VENTANILLA"):
    return client.get(reverse("rim:person_find"), {"q": q, "finalidad": purpose})


@pytest.mark.parametrize("query,who", [
    ("45678912", "rosa"),                     # DNI
    ("120004567", "rosa"),                    # Peruvian passport
    ("001234567", "yusneidy"),                # carné de extranjería
    ("v-12345678", "yusneidy"),               # foreign passport as typed
    ("Rosa Elena Quispe Mamani", "rosa"),     # name
    ("rosa elena quipse mamani", "rosa"),     # misspelt, lower case, no accents
    ("Yusneidy Briseño Rondon", "yusneidy"),  # misspelt
    ("Briceño Yusneidy", "yusneidy"),         # a surname missing, words in another order
])
def test_an_officer_finds_the_person_by_any_number_or_a_misspelt_name(officer_client, people, query, who):
    # when an officer searches from the back office
    response = _search(officer_client, query)
    body = response.content.decode()
    # then the person is listed first, with a link to their page carrying the purpose
    assert response.status_code == 200
    person = people[who]
    listed = re.findall(r'href="/rim/personas/(\d+)/\?finalidad=CONTROL_VENTANILLA"', body)
    assert listed and int(listed[0]) == person.pk and person.full_name in body


def test_each_person_listed_is_one_audited_read_with_the_chosen_purpose(officer_client, people):
    response = _search(officer_client, "Quispe Mamani Rosa", purpose="TRAMITE_PASAPORTE")
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="rim.person_search")
    shown = [int(pk) for pk in re.findall(r'href="/rim/personas/(\d+)/', response.content.decode())]
    assert sorted(e.person_id for e in entries) == sorted(shown) == [people["rosa"].pk]
    (entry,) = entries
    assert entry.kind == "read" and entry.purpose == "trámite de pasaporte"
    assert entry.actor_id == officer_client.officer.pk


def test_the_search_asks_for_a_purpose_from_the_closed_list_and_keeps_the_query(officer_client, people):
    # from the navigation's field only the query arrives: nothing is searched nor recorded yet
    response = officer_client.get(reverse("rim:person_find"), {"q": "45678912"})
    body = response.content.decode()
    assert response.status_code == 200 and 'value="45678912"' in body and "Finalidad de la consulta" in body
    assert people["rosa"].full_name not in body and not AuditEntry.objects.filter(kind="read").exists()
    # a purpose outside the list is refused, in words
    response = _search(officer_client, "45678912", purpose="CURIOSIDAD")
    assert response.status_code == 400 and "Elija una finalidad de la lista." in response.content.decode()
    assert not AuditEntry.objects.filter(action="rim.person_search").exists()


def test_the_person_page_is_one_audited_read_and_shows_the_key_facts(officer_client, people):
    rosa = people["rosa"]
    url = reverse("rim:person_detail", args=[rosa.pk])
    # without a purpose, the page asks for one and shows nothing of the person
    response = officer_client.get(url)
    assert response.status_code == 200 and rosa.full_name not in response.content.decode()
    assert not AuditEntry.objects.filter(person_id=rosa.pk).exists()
    # with one, the page shows the person and records exactly one read of her
    response = officer_client.get(url, {"finalidad": "ATENCION_SEDE"})
    body = response.content.decode()
    assert response.status_code == 200, body
    assert rosa.full_name in body and "45678912" in body and "120004567" in body and "2 de marzo de 1990" in body
    (entry,) = AuditEntry.objects.filter(person_id=rosa.pk)
    assert entry.action == "rim.person_get" and entry.purpose == "atención de la persona en la sede"
    assert not AuditEntry.objects.filter(person_id=people["yusneidy"].pk).exists()


def test_a_citizen_cannot_search_nor_open_a_person(client, people):
    citizen = staff_factories.citizen()
    client.force_login(citizen)
    assert _search(client, "45678912").status_code == 403
    assert client.get(reverse("rim:person_detail", args=[people["rosa"].pk]),
                      {"finalidad": "ATENCION_SEDE"}).status_code == 403
    assert not AuditEntry.objects.filter(kind="read").exists()


def test_an_officer_without_totp_is_sent_to_the_second_factor(client, people):
    officer = staff_factories.staff("oficial.sin.totp", "officer", staff_factories.office())
    client.force_login(officer)
    response = _search(client, "45678912")
    assert response.status_code == 302 and reverse("cuentas:otp") in response["Location"]


def test_an_officer_without_sede_or_post_is_refused(client, people):
    officer = staff_factories.staff("oficial.sin.sede", "officer", None)
    staff_factories.login_staff(client, officer)
    response = _search(client, "45678912")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(kind="read").exists()


def test_every_officer_page_has_the_search_field(officer_client):
    body = officer_client.get(reverse("pasaporte:office_today")).content.decode()
    assert f'action="{reverse("rim:person_find")}"' in body and 'name="q"' in body


def test_a_supervisor_without_a_sede_may_search(client, people):
    supervisor = staff_factories.staff("supervisora.lima", "supervisor", None)
    staff_factories.login_staff(client, supervisor)
    response = _search(client, "45678912", purpose="REQUERIMIENTO_AUTORIDAD")
    assert response.status_code == 200 and people["rosa"].full_name in response.content.decode()


def test_a_refused_search_says_error_once_in_the_title(officer_client, people):
    body = _search(officer_client, "45678912", purpose="CURIOSIDAD").content.decode()
    assert "<title>Error: Buscar persona" in body and body.count("Error:") >= 1 and "Error: Error:" not in body
