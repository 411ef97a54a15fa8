"""A cita as an iCalendar file (RFC 5545), written by hand: one VEVENT in America/Lima (no daylight saving
since 1994, so one STANDARD rule describes the zone), lines folded at 75 octets, text escaped."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Appointment
from .selectors import appointment_ends_at, appointment_reference

TZID = "America/Lima"
PRODID = "-//MIGRACIONES Peru//Portal de servicios//ES"


def ics_escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1  # the continuation's leading space counts
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value, timezone.get_fixed_timezone(-300)).strftime("%Y%m%dT%H%M%S")


def appointment_ics(appointment: Appointment, *, summary: str, description: str, site: str = "") -> str:
    """The text/calendar body of a cita: start and end at the sede in Lima time, its address as LOCATION."""
    office = appointment.slot.office
    location = ", ".join(part for part in (office.name, office.address, office.city) if part)
    stamp = appointment.created_at or timezone.now()
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE", f"TZID:{TZID}",
        "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0500", "TZNAME:-05",
        "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:{appointment_reference(appointment)}@{(site.split('//')[-1] or 'migraciones.gob.pe').strip('/')}",
        f"DTSTAMP:{stamp.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={TZID}:{_local(appointment.slot.starts_at)}",
        f"DTEND;TZID={TZID}:{_local(appointment_ends_at(appointment))}",
        f"SUMMARY:{ics_escape(summary)}",
        f"LOCATION:{ics_escape(location)}",
        f"DESCRIPTION:{ics_escape(description)}",
        "STATUS:CONFIRMED", "TRANSP:OPAQUE",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(ics_fold(line) + "\r\n" for line in lines)
