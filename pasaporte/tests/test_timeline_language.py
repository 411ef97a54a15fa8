"""The citizen's timeline and "Detalle" in the reader's language: notes are kept as msgids with their
parameters and rendered when shown; rows written before keep showing their stored text."""
import html

import pytest

from pasaporte import notes
from pasaporte.models import ApplicationEvent

pytestmark = pytest.mark.django_db


def _timeline(client, language: str) -> str:
    client.cookies["django_language"] = language
    return html.unescape(client.get("/pasaporte/").content.decode())


def test_the_citizens_timeline_in_english_shows_no_spanish_note(ready, citizen_client):
    # given an application taken from payment to ready, every step with its note
    events = list(ApplicationEvent.objects.filter(application=ready).exclude(note=""))
    assert len(events) >= 5 and all(e.note_parts for e in events)
    # when the citizen reads their page in English
    page = _timeline(citizen_client, "en")
    # then every note is there in English and none in Spanish (nor the Spanish "Detalle")
    for event in events:
        english, spanish = notes.render(event.note_parts, "en"), notes.render(event.note_parts, "es")
        assert english != spanish and english in page and spanish not in page
    assert "Biometrics recorded at the counter." in page and "Biometría registrada en ventanilla." not in page
    assert f"Passport No. {ready.passport.number} ready for delivery." in page
    # and in Spanish the same notes are the Spanish ones, as stored
    page = _timeline(citizen_client, "es")
    for event in events:
        assert event.note in page


def test_a_note_stored_before_its_parts_shows_as_it_was_written(ready, citizen_client):
    # given an old row with only its Spanish text
    ApplicationEvent.objects.create(application=ready, to_status=ready.status, note="Nota antigua del trámite",
                                    actor_repr="sistema")
    # then it still shows, in either language, as written
    assert "Nota antigua del trámite" in _timeline(citizen_client, "en")
    assert "Nota antigua del trámite" in _timeline(citizen_client, "es")
