"""Search forms of names and document numbers."""
from hypothesis import given
from hypothesis import strategies as st

from rim.normalize import looks_like_document_number, normalize_document_number, normalize_name


def test_accents_and_enye_are_dropped_and_names_uppercased():
    # given a name written with accents, a tilde and irregular spacing
    # when it is normalized
    # then it is the plain uppercase form used by search, compound surname kept whole
    assert normalize_name("  José Luis   Núñez de la Cruz ") == "JOSE LUIS NUNEZ DE LA CRUZ"
    assert normalize_name("MARÍA ÑAÑEZ") == normalize_name("maria nanez")


def test_punctuation_separates_words_instead_of_gluing_them():
    assert normalize_name("D'Angelo Pérez-Albela") == "D ANGELO PEREZ ALBELA"


def test_letters_without_decomposition_are_transliterated():
    assert normalize_name("Jürgen Groß Ørsted") == "JURGEN GROSS ORSTED"


def test_document_numbers_lose_separators():
    assert normalize_document_number(" 001-234.567 ") == "001234567"
    assert normalize_document_number("ab 12/34") == "AB1234"


def test_only_queries_with_digits_look_like_document_numbers():
    assert looks_like_document_number("70275722")
    assert looks_like_document_number("PTP 0001234")
    assert not looks_like_document_number("Cárdenas Jorge")
    assert not looks_like_document_number("12")


@given(st.text(max_size=60))
def test_normal_form_is_stable_and_plain(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert all(ch.isascii() and (ch.isupper() or ch.isdigit() or ch == " ") for ch in once)
    assert "  " not in once and once == once.strip()
