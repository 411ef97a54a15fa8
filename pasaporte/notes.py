"""The texts the citizen reads in their timeline and "Detalle" (ApplicationEvent.note, Application.status_reason),
kept as msgids with their parameters, so each reader gets them in their own language.

A `Note` is the Spanish text (what `note`/`status_reason` and the audit log keep, as before) that also
carries its parts: `[[msgid, params], ...]`, stored beside it (`note_parts`, `status_reason_parts`) and
rendered with gettext when shown. A parameter is a value as it is (a number, an office's name, a date, an
officer's own words) or a nested note (`{"note": parts}`, e.g. "rostro"). Call sites mark the msgid with
`gettext_noop(...)` so makemessages finds it. Rows written before these parts keep showing their text.
"""
from __future__ import annotations

from typing import Any, Iterable

from django.utils import translation
from django.utils.translation import gettext


def _value(value: Any, language: str | None) -> Any:
    if isinstance(value, dict) and "note" in value:
        return render(value["note"], language)
    return value


def render(parts: list, language: str | None = None) -> str:
    """The parts in `language` (default: the active one), sentences joined by a space."""
    def one(msgid: str, params: dict) -> str:
        text = gettext(msgid)
        return text % {k: _value(v, language) for k, v in params.items()} if params else text

    if language is None:
        return " ".join(one(m, p) for m, p in parts)
    with translation.override(language):
        return " ".join(one(m, p) for m, p in parts)


class Note(str):
    """Spanish text with the msgids and parameters it was made of (see the module)."""

    parts: list

    def __new__(cls, parts: list) -> "Note":
        obj = super().__new__(cls, render(parts, "es"))
        obj.parts = parts
        return obj


def note(msgid: str, **params: Any) -> Note:
    """One sentence: `note(gettext_noop("Pasaporte N.º %(n)s listo para entrega."), n=number)`."""
    return Note([[msgid, {k: {"note": v.parts} if isinstance(v, Note) else v for k, v in params.items()}]])


def join(notes: Iterable[str]) -> Note | str:
    """Several sentences as one note (plain text among them is kept as it is)."""
    notes = list(notes)
    if all(isinstance(n, Note) for n in notes):
        return Note([part for n in notes for part in n.parts])
    return " ".join(notes)


def parts_of(text: str) -> list:
    """What to store beside a text: its parts when it is a Note, nothing for plain words."""
    return list(text.parts) if isinstance(text, Note) else []


def label(text) -> Note:
    """A model's choice label (gettext_lazy) as a nested note: its msgid is its Spanish text (no Spanish catalogue)."""
    with translation.override("es"):
        return Note([[str(text), {}]])
