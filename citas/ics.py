"""A cita as an iCalendar file (RFC 5545) made with the icalendar library: one VEVENT in America/Lima with
its VTIMEZONE, the sede's address as LOCATION (folding and escaping are the library's)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment
from .selectors import appointment_ends_at, appointment_reference

LIMA = ZoneInfo("America/Lima")
PRODID = "-//MIGRACIONES Peru//Portal de servicios//ES"


def appointment_ics(appointment: Appointment, *, summary: str, description: str, site: str = "") -> str:
    """The text/calendar body of a cita: start and end at the sede in Lima time, its address as LOCATION."""
    office = appointment.slot.office
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = (site.split("//")[-1] or "migraciones.gob.pe").strip("/")
    event.add("uid", f"{appointment_reference(appointment)}@{host}")
    event.add("dtstamp", appointment.created_at or timezone.now())
    event.add("dtstart", appointment.slot.starts_at.astimezone(LIMA))
    event.add("dtend", appointment_ends_at(appointment).astimezone(LIMA))
    event.add("summary", summary)
    event.add("location", ", ".join(part for part in (office.name, office.address, office.city) if part))
    event.add("description", description)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
