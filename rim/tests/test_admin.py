"""Officers' admin pages for the RIM: search by document or name, and the person's whole record."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .factories import IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client):
    user = get_user_model().objects.create_superuser(username="supervisor", password="x-Secreta-2024", email="s@x.pe")
    client.force_login(user)
    return client


def test_changelist_finds_by_document_number_and_by_name_without_accents(admin_client_logged):
    target = PersonFactory(given_names="José Luis", first_surname="Núñez", second_surname="de la Cruz")
    PersonFactory(given_names="Rosa", first_surname="Quispe", second_surname="Mamani")
    IdentityDocumentFactory(person=target, number="70275799")
    url = reverse("admin:rim_person_changelist")
    by_document = admin_client_logged.get(url, {"q": "70275799"})
    assert by_document.status_code == 200
    assert "Núñez de la Cruz, José Luis" in by_document.content.decode()
    assert "Quispe Mamani, Rosa" not in by_document.content.decode()
    by_name = admin_client_logged.get(url, {"q": "nuñez"})
    assert "Núñez de la Cruz, José Luis" in by_name.content.decode()


def test_change_page_shows_documents_inline(admin_client_logged):
    document = IdentityDocumentFactory(number="70275788")
    response = admin_client_logged.get(reverse("admin:rim_person_change", args=[document.person_id]))
    assert response.status_code == 200
    assert "70275788" in response.content.decode()


def test_change_page_shows_calidad_and_permits_read_only(admin_client_logged):
    import datetime as dt

    from rim import services

    # given a CPP holder with a travel permit
    person = PersonFactory(nationality="VEN")
    services.residence_status_set(actor="sistema:prueba", person=person, calidad="CPP", valid_from=dt.date(2026, 1, 5),
                                  valid_until=dt.date(2027, 1, 4), reference="CPP-2026-0931")
    services.permit_grant(actor="sistema:prueba", person=person, kind="VIAJE", valid_from=dt.date(2026, 12, 1),
                          valid_until=dt.date(2026, 12, 20), reference="PEV-2026-0042")
    # when a supervisor opens the person and the registry lists
    body = admin_client_logged.get(reverse("admin:rim_person_change", args=[person.pk])).content.decode()
    # then both are shown, in words, and cannot be edited or added there
    assert "Carné de Permiso Temporal de Permanencia (CPP)" in body and "CPP-2026-0931" in body
    assert "permiso especial de viaje" in body and "PEV-2026-0042" in body
    assert 'name="residence_statuses-0-calidad"' not in body
    for name in ("residencestatus", "permit", "stayextension"):
        listing = admin_client_logged.get(reverse(f"admin:rim_{name}_changelist"))
        assert listing.status_code == 200
        assert admin_client_logged.get(reverse(f"admin:rim_{name}_add")).status_code == 403
