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
