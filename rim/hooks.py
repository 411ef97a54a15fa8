"""What the services tell the RIM about a person's records (registered at AppConfig.ready), for the officers' person page.

rim never imports a service app: each service registers `person_records_register(key, provider)`, where
`provider(person_id)` returns that service's `PersonRecord`s of the person (its applications, crossings,
cases…), each with its own officer page. The person page (rim.views.person_detail) shows every section,
so a service built later appears there by registering, without a change in rim.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonRecord:
    kind: Any          # what it is, translated ("Solicitud de pasaporte")
    reference: str     # its number or id as officers quote it
    status: Any        # its state in words, translated
    when: dt.datetime | dt.date | None
    url: str = ""      # its officer page ("" when it has none)


@dataclass(frozen=True)
class RecordsProvider:
    key: str
    label: Any         # the section heading, translated
    provider: Callable[[int], list[PersonRecord]]


_PROVIDERS: dict[str, RecordsProvider] = {}


def person_records_register(key: str, *, label: Any, provider: Callable[[int], list[PersonRecord]]) -> None:
    """Register (or replace, for autoreload) the records a service holds for a person."""
    _PROVIDERS[key] = RecordsProvider(key=key, label=label, provider=provider)


def person_records(person_id: int) -> list[tuple[RecordsProvider, list[PersonRecord]]]:
    """Every registered section with the person's records in it, newest first (empty sections kept)."""
    sections = []
    for key in sorted(_PROVIDERS):
        entry = _PROVIDERS[key]
        records = sorted(entry.provider(person_id), key=_newest_first)
        sections.append((entry, records))
    return sections


def _newest_first(record: PersonRecord):
    when = record.when
    if isinstance(when, dt.datetime):
        return -when.timestamp()
    if isinstance(when, dt.date):
        return -dt.datetime(when.year, when.month, when.day, tzinfo=dt.timezone.utc).timestamp()
    return 0.0
