"""Issue 12, items 1 and 2: destructive actions ask first (a confirmation page with the reason), and after
each step the citizen knows what next (confirmation with voucher and .ics, receipt, where and until when)."""
import datetime as dt
import re
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from buzon.models import Notice
from buzon.tests.conftest import SmtpServer
from citas.models import Appointment
from pasaporte import services
from pasaporte.models import Application, ApplicationEvent, Passport
from rim import services as rim_services
from rim.models import IdentityDocument

from . import factories

pytestmark = pytest.mark.django_db
Step = ApplicationEvent.Step


@pytest.fixture(autouse=True)
def _signing(document_signing):
    """Vouchers and receipts are signed under the session's test PKI (the root conftest)."""


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2.0
    settings.EMAIL_USE_TLS = False
    server.start()
    yield server
    server.stop()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _text(message) -> str:
    return next(part.get_payload(decode=True).decode() for part in message.walk()
                if part.get_content_type() == "text/plain")


def _booked(citizen, office, **slot):
    application = factories.paid_application(citizen)
    with TestCase.captureOnCommitCallbacks(execute=True):
        appointment = services.appointment_book(actor=citizen, application_id=application.pk,
                                                slot_id=factories.future_slot(office, **slot).pk)
    application.refresh_from_db()
    return application, appointment


# ---- item 1: cancelling a cita -------------------------------------------------------------------
def test_cancelling_a_cita_asks_first_needs_a_reason_and_then_confirms_by_notice_and_timeline(
        citizen_client, citizen, office, smtp):
    application, appointment = _booked(citizen, office)
    # the booking's own message already gave the reference, the address and where the voucher is
    booked_mail = next(_text(m) for m in smtp.messages if "Cita reservada" in _subject(m))
    assert f"CITA-{appointment.pk:07d}" in booked_mail and office.address in booked_mail
    assert "/pasaporte/cita/confirmacion/" in booked_mail
    voucher = services.appointment_voucher(actor=citizen, application_id=application.pk)
    smtp.messages.clear()
    url = reverse("pasaporte:cancel_appointment")
    # Given the home page: the cita is cancelled through a link to a confirmation page, not a button there
    home = citizen_client.get(reverse("pasaporte:home")).content.decode()
    assert f'href="{url}"' in home and 'action="%s"' % url not in home
    # When the citizen opens it, it says what will happen and that it cannot be undone; nothing changes
    page = citizen_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "No se puede deshacer" in body and office.address in body
    assert 'name="reason"' in body and "Sí, anular la cita" in body
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    # When they confirm without a reason, it is refused on the field and nothing changes
    refused = citizen_client.post(url, {"reason": "  "})
    html = refused.content.decode()
    assert refused.status_code == 200 and "Escriba por qué anula la cita." in html
    assert 'href="#id_reason"' in html and "<title>Error:" in html
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    assert not application.events.filter(step=Step.APPOINTMENT_CANCELLED).exists()
    # When they confirm with a reason
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = citizen_client.post(url, {"reason": "Tengo un viaje de trabajo"})
    assert done.status_code == 302 and done["Location"] == reverse("pasaporte:home")
    # Then the cita is cancelled with the reason and its place is free
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.reason == "Tengo un viaje de trabajo"
    assert appointment.slot.booked == 0 or appointment.slot.__class__.objects.get(pk=appointment.slot_id).booked == 0
    # and the timeline shows the step with the reason
    event = application.events.get(step=Step.APPOINTMENT_CANCELLED)
    assert "Tengo un viaje de trabajo" in event.note and event.to_status == application.status
    home = citizen_client.get(reverse("pasaporte:home")).content.decode()
    assert "Cita anulada" in home and "Tengo un viaje de trabajo" in home
    timeline = citizen_client.get("/api/v1/pasaporte/solicitud").json()["timeline"]
    assert timeline[-1]["step"] == Step.APPOINTMENT_CANCELLED and timeline[-1]["label"] == "Cita anulada"
    # and one notice (no casilla: e-mailed for acknowledgement), with one e-mail through SMTP
    notice = Notice.objects.get(record_kind="pasaporte.application", record_id=str(application.pk),
                                title__contains="anulada")
    assert notice.status == Notice.Status.PENDING_PERSONAL and "Tengo un viaje de trabajo" in notice.body
    assert notice.title_en and notice.body_en  # the English text (its catalogue entries: /tmp/po/next-steps.po)
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == citizen.email
    assert "Tengo un viaje de trabajo" in _text(smtp.messages[0])
    # and the cita's voucher no longer verifies as valid
    voucher.refresh_from_db()
    assert voucher.revoked_at is not None and voucher.revoked_reason == "Cita anulada"


def test_the_cancellation_service_refuses_without_a_reason(citizen, office):
    from core.errors import ValidationFailed

    application, appointment = _booked(citizen, office)
    with pytest.raises(ValidationFailed) as refused:
        services.appointment_cancel(actor=citizen, application_id=application.pk, reason="")
    assert "reason" in refused.value.fields
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


# ---- item 1: cancelling a passport reported lost or stolen ---------------------------------------
def _person_with_passport(citizen, number="118000002"):
    person = rim_services.person_create(actor="t", given_names="JORGE ANTHONY", first_surname="CARDENAS",
                                        birth_date=dt.date(1990, 5, 1), sex="M", nationality="PER", user=citizen)
    rim_services.document_add(actor="t", person=person, kind="DNI", number=citizen.dni, issuing_state="PER",
                              issue_date=dt.date(2020, 1, 1))
    return rim_services.document_add(actor="t", person=person, kind="PASAPORTE", number=number, issuing_state="PER",
                                     issue_date=dt.date(2022, 1, 1), expiry_date=dt.date(2032, 1, 1))


def test_reporting_a_passport_lost_asks_first_and_then_confirms_by_notice_and_timeline(citizen_client, citizen,
                                                                                     office, smtp):
    application, _appointment = _booked(citizen, office)
    held = _person_with_passport(citizen)
    smtp.messages.clear()
    url = reverse("pasaporte:report_loss", args=[held.pk])
    # Given "Mis pasaportes": a list with a link per passport, no form in a table
    home = citizen_client.get(reverse("pasaporte:home")).content.decode()
    assert f'href="{url}"' in home and "<table" not in home.split("Mis pasaportes")[1]
    # When the citizen opens the confirmation page, it says what will happen; nothing changes
    page = citizen_client.get(url).content.decode()
    assert "No se puede deshacer." in page and "Ya no servirá para viajar" in page and held.number in page
    assert 'type="radio"' in page and "checked" not in page  # what happened has no default
    assert IdentityDocument.objects.get(pk=held.pk).status == IdentityDocument.Status.VIGENTE
    # When they confirm without saying what happened, both fields are refused and nothing changes
    refused = citizen_client.post(url, {"status": "", "reason": ""}).content.decode()
    assert "Elija si lo perdió o se lo robaron." in refused and "Escriba qué pasó con su pasaporte." in refused
    assert IdentityDocument.objects.get(pk=held.pk).status == IdentityDocument.Status.VIGENTE
    # When they confirm it stolen, with what happened
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = citizen_client.post(url, {"status": "ROBADO", "reason": "Asalto en el paradero, denuncia 4521"})
    assert done.status_code == 302
    # Then the RIM says stolen, the timeline shows the step and a notice (e-mailed once) confirms it
    assert IdentityDocument.objects.get(pk=held.pk).status == IdentityDocument.Status.ROBADO
    event = application.events.get(step=Step.PASSPORT_STOLEN)
    assert held.number in event.note and "denuncia 4521" in event.note
    assert "Pasaporte anulado por robo" in citizen_client.get(reverse("pasaporte:home")).content.decode()
    notice = Notice.objects.get(title__contains=held.number)
    assert "ya no sirve para viajar" in notice.body and held.number in notice.title_en
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == citizen.email
    # and the page of a passport no longer in force does not offer to cancel it again
    assert citizen_client.get(url).status_code == 302


def test_another_persons_passport_has_no_confirmation_page(citizen_client, db):
    other = factories.citizen("44556677", email="otra@example.pe")
    held = _person_with_passport(other, number="118000009")
    assert citizen_client.get(reverse("pasaporte:report_loss", args=[held.pk])).status_code == 404
    assert citizen_client.post(reverse("pasaporte:report_loss", args=[held.pk]),
                               {"status": "PERDIDO", "reason": "x"}).status_code == 404
    assert IdentityDocument.objects.get(pk=held.pk).status == IdentityDocument.Status.VIGENTE


# ---- item 2: after booking -----------------------------------------------------------------------
def _verify(client, document) -> str:
    html = client.get(f"/verificar/{document.code}").content.decode()
    assert 'data-result="VALID"' in html
    return html


def test_after_booking_a_confirmation_with_reference_sede_hours_bring_voucher_and_ics(citizen_client, citizen,
                                                                                     office, client):
    application = factories.paid_application(citizen)
    slot = factories.future_slot(office, hour=10)
    citizen_client.get(reverse("pasaporte:book") + f"?sede={office.code}")
    # When the citizen books, they land on the confirmation page
    with TestCase.captureOnCommitCallbacks(execute=True):
        booked = citizen_client.post(reverse("pasaporte:book") + f"?sede={office.code}", {"slot": slot.pk})
    assert booked["Location"] == reverse("pasaporte:appointment_confirmation")
    appointment = Appointment.objects.get(record_id=application.pk, status=Appointment.Status.BOOKED)
    page = citizen_client.get(booked["Location"]).content.decode()
    reference = f"CITA-{appointment.pk:07d}"
    assert reference in page and office.address in page and "lunes a viernes, 08:00 a 17:00" in page
    assert "Su DNI original y vigente." in page
    assert reverse("pasaporte:appointment_voucher") in page and reverse("pasaporte:appointment_calendar") in page
    # The voucher is a signed PDF that /verificar/ shows as VALID with its facts
    pdf = citizen_client.get(reverse("pasaporte:appointment_voucher"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    from documentos.selectors import document_for_record
    voucher = document_for_record(kind="APPOINTMENT_VOUCHER", record_kind="citas.appointment",
                                  record_id=appointment.pk)
    assert voucher.kind == "APPOINTMENT_VOUCHER" and voucher.code in pdf["Content-Disposition"]
    html = _verify(client, voucher)
    assert reference in html and office.name in html and "C*** J*** A***" not in html
    assert voucher.facts == {"holder": "J*** A*** C***", "number": reference, "office": office.name,
                             "issued_on": timezone.localdate().isoformat()}
    # Asked again, the same document (one per cita)
    citizen_client.get(reverse("pasaporte:appointment_voucher"))
    assert document_for_record(kind="APPOINTMENT_VOUCHER", record_kind="citas.appointment",
                               record_id=appointment.pk).pk == voucher.pk
    # A reschedule is confirmed by a notice and in the timeline, and the old voucher stops being valid
    other = factories.future_slot(office, hour=11)
    with TestCase.captureOnCommitCallbacks(execute=True):
        moved = citizen_client.post(reverse("pasaporte:book"), {"slot": other.pk})
    assert "Su cita fue reprogramada" in citizen_client.get(moved["Location"]).content.decode()
    assert 'data-result="REVOKED"' in client.get(f"/verificar/{voucher.code}").content.decode()
    assert application.events.filter(step=Step.APPOINTMENT_RESCHEDULED).exists()
    assert Notice.objects.filter(record_id=str(application.pk), title__contains="reprogramada").count() == 1
    assert "Cita reprogramada" in citizen_client.get(reverse("pasaporte:home")).content.decode()


# ---- the .ics file, parsed back strictly ---------------------------------------------------------
def _ics_parse_strict(data: bytes) -> list[dict]:
    """A strict reader of RFC 5545: CRLF only, lines of at most 75 octets, folded lines joined, BEGIN/END
    balanced, required properties present once; returns the VEVENTs as {name: (params, value)}."""
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    raw = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in raw), [line for line in raw if len(line) > 75]
    lines: list[str] = []
    for line in raw:
        text = line.decode("utf-8")
        if text.startswith((" ", "\t")):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    stack, events, current = [], [], None
    props: dict[str, list] = {}
    for line in lines:
        name_params, _, value = line.partition(":")
        assert _, line
        name, *params = name_params.split(";")
        assert re.fullmatch(r"[A-Z-]+", name), line
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
            continue
        if name == "END":
            assert stack.pop() == value, line
            if value == "VEVENT":
                events.append(current)
                current = None
            continue
        params_dict = dict(p.split("=", 1) for p in params)
        if current is not None:
            assert name not in current, f"{name} twice"
            current[name] = (params_dict, value)
        elif stack == ["VCALENDAR"]:
            props.setdefault(name, []).append(value)
    assert stack == [] and props.get("VERSION") == ["2.0"] and len(props.get("PRODID", [])) == 1
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert required in event, required
    return events


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_the_ics_has_the_start_and_end_in_lima_and_the_sedes_address(citizen_client, citizen, db):
    office = factories.office("LIM-ICS", slot_minutes=30)
    office.address = "Av. España 700, Breña; frente al parque"
    office.save()
    _booked(citizen, office, hour=15)
    response = citizen_client.get(reverse("pasaporte:appointment_calendar"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (event,) = _ics_parse_strict(response.content)
    lima = ZoneInfo("America/Lima")
    start_params, start = event["DTSTART"]
    end_params, end = event["DTEND"]
    assert start_params == {"TZID": "America/Lima"} and end_params == {"TZID": "America/Lima"}
    starts = dt.datetime.strptime(start, "%Y%m%dT%H%M%S").replace(tzinfo=lima)
    ends = dt.datetime.strptime(end, "%Y%m%dT%H%M%S").replace(tzinfo=lima)
    expected = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(15), tzinfo=lima)
    assert starts == expected and ends - starts == dt.timedelta(minutes=30)
    assert starts.astimezone(dt.timezone.utc).hour == 20  # 15:00 in Lima is 20:00 UTC
    assert "Av. España 700, Breña; frente al parque" in _unescape(event["LOCATION"][1])
    assert "Su DNI original y vigente." in _unescape(event["DESCRIPTION"][1])
    assert event["DTSTAMP"][1].endswith("Z")


def test_the_ics_reads_back_with_a_long_accented_description(citizen, db):
    from icalendar import Calendar

    from citas.ics import appointment_ics

    _application, appointment = _booked(citizen, factories.office("LIM-ICS2", slot_minutes=30), hour=9)
    text = appointment_ics(appointment, summary="Cita de pasaporte", description="Señal: " + "ñ" * 80)
    # every content line within 75 octets, and the calendar parses back with its description whole
    assert all(len(line) <= 75 for line in text.encode("utf-8").split(b"\r\n"))
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == "Señal: " + "ñ" * 80
    assert event["DTSTART"].dt.tzinfo is not None and str(event["DTSTART"].dt.tzinfo) == "America/Lima"


# ---- the payment receipt -------------------------------------------------------------------------
def test_a_paid_fee_has_a_signed_receipt_that_verifies(citizen_client, citizen, client):
    application = factories.paid_application(citizen)
    home = citizen_client.get(reverse("pasaporte:home")).content.decode()
    assert reverse("pasaporte:payment_receipt") in home
    pdf = citizen_client.get(reverse("pasaporte:payment_receipt"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from documentos.selectors import document_for_record
    receipt = document_for_record(kind="PAYMENT_RECEIPT", record_kind="pagos.payment",
                                  record_id=application.payment_id)
    html = _verify(client, receipt)
    assert application.payment.reference in html and "S/ 120.90" in html
    assert receipt.facts["amount"] == "S/ 120.90" and receipt.facts["number"] == application.payment.reference


def test_another_citizens_download_finds_nothing_of_theirs(client, citizen, db):
    factories.paid_application(citizen)
    other = factories.citizen("44556677", email="otra@example.pe")
    client.force_login(other)
    assert client.get(reverse("pasaporte:payment_receipt")).status_code == 404
    assert client.get(reverse("pasaporte:appointment_calendar")).status_code == 404


# ---- "listo para entrega": where, when and until when --------------------------------------------
def test_a_ready_passport_says_where_when_and_until_which_day(citizen_client, citizen, office):
    application, _appointment = _booked(citizen, office)
    ready_at = timezone.now() - dt.timedelta(days=2)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.READY, ready_at=ready_at)
    page = citizen_client.get(reverse("pasaporte:home")).content.decode()
    until = timezone.localtime(ready_at + dt.timedelta(days=60)).date()
    assert f"Recójalo en {office.name}, {office.address}." in page
    assert "lunes a viernes, 08:00 a 17:00" in page and until.strftime("%d/%m/%Y") in page
    # and the step's message says the same
    from pasaporte.notifications import _status_text
    application.refresh_from_db()
    _subject_text, body = _status_text(application, "READY", None)
    assert office.address in body and until.strftime("%d/%m/%Y") in body
    _subject_en, body_en = _status_text(application, "READY", None, "en")
    assert office.address in body_en and until.strftime("%d/%m/%Y") in body_en


def test_a_payment_not_yet_confirmed_has_no_receipt_and_says_when_it_will(citizen_client, citizen):
    from pagos.models import Payment

    application = factories.paid_application(citizen)
    Payment.objects.filter(pk=application.payment_id).update(status=Payment.Status.PENDING, receipt_number=None)
    assert reverse("pasaporte:payment_receipt") not in citizen_client.get(reverse("pasaporte:home")).content.decode()
    response = citizen_client.get(reverse("pasaporte:payment_receipt"), follow=True)
    assert "cuando el Banco de la Nación confirme el pago" in response.content.decode()


def test_booking_again_after_a_cancellation_is_a_step_with_its_notice(citizen, office):
    application, _appointment = _booked(citizen, office)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.appointment_cancel(actor=citizen, application_id=application.pk, reason="Enfermedad")
        again = services.appointment_book(actor=citizen, application_id=application.pk,
                                          slot_id=factories.future_slot(office, hour=12).pk)
    steps = list(application.events.exclude(step="").values_list("step", flat=True))
    assert steps == [Step.APPOINTMENT_CANCELLED, Step.APPOINTMENT_BOOKED]
    notice = Notice.objects.get(record_id=str(application.pk), title__contains="reservada")
    assert f"CITA-{again.pk:07d}" in notice.body and office.address in notice.body
