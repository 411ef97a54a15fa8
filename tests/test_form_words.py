"""Forms speak the service's words: no Django stock error text on the portal's pages."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, words, stock", [
    ("es", "Complete este dato.", "Este campo es obligatorio."),
    ("en", "Fill in this item.", "This field is required."),
])
def test_an_empty_required_field_says_what_to_do_in_the_pages_language(client, language, words, stock):
    # given the foreigner sign-up form sent empty, in the visitor's language
    client.cookies["django_language"] = language
    body = client.post(reverse("cuentas:signup_foreigner"), {"given_names": "Ana"}).content.decode()
    # then each empty field says what to do in the service's words, never Django's stock text
    assert words in body and stock not in body
