"""On a phone (Chromium at 375 px) the person's access log, "Mis pasaportes" and the officers' lists read as
lists: no sideways scrolling, and every value of every column still shown with its column's name."""
import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from auditoria.services import audit_record
from citas.models import Appointment
from pasaporte.tests import factories as pf
from rim.audit_actions import AuditAction as RimAction
from rim.models import Person
from rim.tests.factories import IdentityDocumentFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# What a reader sees of each row: each cell's label (the CSS ::before) and its text.
ROWS_JS = """sel => [...document.querySelectorAll(sel + ' tr:not(.head)')].map(tr => [...tr.querySelectorAll('td')]
  .map(td => getComputedStyle(td, '::before').content.replace(/^none$/, '').replace(/^"|"$/g, '') + td.innerText.trim())
  .join(' | '))"""


def _rows(page, selector: str) -> list[str]:
    return page.evaluate(ROWS_JS, selector)


def _phone(browser, live_server, client: Client):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="es-PE")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    return context.new_page()


def test_mis_pasaportes_and_the_access_log_read_as_lists_on_a_phone(live_server, browser):
    # given a citizen with two passports in the RIM, whose record an officer looked at
    citizen = pf.citizen()
    person = PersonFactory(given_names="Jorge Anthony", first_surname="Cárdenas", second_surname="Ríos")
    Person.objects.filter(pk=person.pk).update(user=citizen)
    IdentityDocumentFactory(person=person, kind="DNI", number=citizen.dni)
    IdentityDocumentFactory(person=person, kind="PASAPORTE", number="120004567", expiry_date=dt.date(2031, 5, 4))
    IdentityDocumentFactory(person=person, kind="PASAPORTE", number="119876543", expiry_date=dt.date(2024, 1, 9),
                            status="VENCIDO")
    officer = pf.staff("oficial.brena", "officer", pf.office())
    audit_record(actor=officer, action=RimAction.PERSON_GET, kind="read", obj=person, person_id=person.pk,
                 purpose="atención de citas de la sede")
    client = Client()
    client.force_login(citizen)
    page = _phone(browser, live_server, client)
    # when the citizen opens the passport page on the phone
    page.goto(f"{live_server.url}{reverse('pasaporte:home')}")
    items = page.locator("#pasaportes > li")
    # then each passport is one item with its number, state and expiry, and nothing scrolls sideways
    assert items.count() == 2 and _fits(page)
    texts = [items.nth(i).inner_text() for i in range(2)]
    assert any("119876543" in t and "09/01/2024" in t for t in texts)
    assert any("120004567" in t and "04/05/2031" in t for t in texts)
    assert all(items.nth(i).bounding_box()["width"] <= 375 for i in range(2))
    # and the access log is a list of sentences that fits the phone
    page.goto(f"{live_server.url}{reverse('my_data_access_log')}")
    log = page.locator("ol.access-log li")
    assert log.count() == 1 and _fits(page)
    assert "Un servidor de MIGRACIONES (Sede LIM-BRE) consultó su registro en el RIM" in log.first.inner_text()


def test_the_sedes_citas_de_hoy_and_the_person_search_fit_a_phone(live_server, browser):
    # given an officer of a sede with a cita today
    pf.reference_data()
    office = pf.office()
    officer = pf.staff("oficial.brena", "officer", office)
    citizen = pf.citizen()
    application = pf.paid_application(citizen)
    slot = pf.future_slot(office, days=0, hour=23)
    Appointment.objects.create(user=citizen, document=citizen.dni, service=slot.service, slot=slot,
                               record_kind="pasaporte.application", record_id=application.pk)
    client = Client()
    pf.login_staff(client, officer)
    page = _phone(browser, live_server, client)
    page.goto(f"{live_server.url}{reverse('pasaporte:office_today')}")
    # then the day's citas are cards with each value labelled, and the person search is at hand
    (row,) = _rows(page, "table#citas")
    assert row.startswith(f"Hora: 23:00 | DNI: {citizen.dni} | Ciudadano: JORGE ANTHONY CARDENAS | Solicitud: ")
    assert _fits(page)
    search = page.get_by_role("searchbox", name="Buscar persona")
    assert search.is_visible()
    search.fill(citizen.dni)
    search.press("Enter")
    page.wait_for_url("**/rim/personas/**")
    assert page.get_by_label("DNI, pasaporte, carné o nombre").input_value() == citizen.dni and _fits(page)
