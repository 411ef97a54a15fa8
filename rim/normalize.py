"""Normal forms for searching: names without accents or punctuation, document numbers without separators."""
import re
import unicodedata

_NOT_LETTER_OR_DIGIT = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")
_DOCUMENT_SEPARATORS = re.compile(r"[\s.\-/]+")
# Letters that NFKD does not split into a base letter and a mark.
_TRANSLITERATE = str.maketrans({"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
                                "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "TH", "þ": "th", "ß": "ss"})


def normalize_name(text: str) -> str:
    """Uppercase, accents stripped (Ñ becomes N), punctuation dropped, single spaces.

    "José Luis Núñez de la Cruz" -> "JOSE LUIS NUNEZ DE LA CRUZ". The stored names keep their
    accents; only this search form loses them, so "Nuñez" and "NÚÑEZ" compare equal.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLITERATE))
    # NFKD splits "Ñ" into "N" + a combining tilde; dropping combining marks keeps the letter.
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    # Apostrophes and hyphens join parts of one name ("D'Angelo", "Pérez-Albela"): a space keeps both.
    spaced = _NOT_LETTER_OR_DIGIT.sub(" ", bare)
    return _SPACES.sub(" ", spaced).strip()


def normalize_document_number(number: str) -> str:
    """Uppercase without spaces, dots, dashes or slashes: "001-234 567" -> "001234567"."""
    return _DOCUMENT_SEPARATORS.sub("", (number or "").upper())


def looks_like_document_number(text: str) -> bool:
    """True for queries made of letters and digits with at least one digit (names have none)."""
    compact = normalize_document_number(text)
    return 4 <= len(compact) <= 20 and compact.isalnum() and any(ch.isdigit() for ch in compact)
