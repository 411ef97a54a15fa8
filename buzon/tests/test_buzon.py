"""The electronic mailbox: consent, deposit and alert, reading, deemed notification, acknowledgement, cargo."""
import datetime as dt
import re
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from auditoria.models import AuditEntry
from buzon import selectors, services
from buzon.models import Casilla, ConsentEvent, Notice
from buzon.tests.conftest import make_person
from documentos.models import Document
from documentos.selectors import document_verify
from outbox.models import OutboxMessage
from workflow.machine import TransitionNotAllowed

pytestmark = pytest.mark.django_db
LIMA = timezone.get_fixed_timezone(-300)


def _accept(user):
    return services.casilla_accept(user=user, email=user.email, phone="987654321", accepted_terms=True, actor=user)


def _deposit(user, **extra):
    values = dict(recipient=user, title="Resolución de su trámite", body="Se aprueba su solicitud.",
                  record_kind="pruebas.expediente", record_id=7, expediente="LM-2026-000007", actor="system:pruebas")
    values.update(extra)
    return services.notice_deposit(**values)


def _on(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=LIMA)


# ---- consent -------------------------------------------------------------------------------------
def test_a_casilla_exists_only_after_the_person_accepts_its_terms(client, citizen):
    # given a citizen without a casilla
    client.force_login(citizen)
    assert b"Activar mi casilla" in client.get(reverse("buzon:home")).content
    # when they send the form without ticking the terms
    response = client.post(reverse("buzon:accept"), {"email": citizen.email, "phone": "987654321"})
    # then it is refused on that field and no casilla exists
    assert response.status_code == 400
    assert "Marque la casilla para aceptar los términos." in response.content.decode()
    assert not Casilla.objects.exists()
    # when they accept
    response = client.post(reverse("buzon:accept"), {"email": citizen.email, "phone": "987654321",
                                                     "accepted_terms": "on"}, follow=True)
    # then the casilla is active, the consent recorded with the terms' version and audited
    assert "Su casilla electrónica está activa" in response.content.decode()
    casilla = selectors.casilla_active(citizen)
    assert casilla is not None and casilla.email == citizen.email
    assert list(casilla.consents.values_list("kind", "terms_version")) == [("ACCEPTED", services.TERMS_VERSION)]
    assert AuditEntry.objects.filter(action="buzon.casilla_accept", object_id=str(casilla.pk)).exists()


def test_revoking_asks_first_needs_a_reason_and_later_notices_go_by_email(client, citizen):
    # given a citizen with an active casilla
    _accept(citizen)
    client.force_login(citizen)
    # when they open the revocation page, it says what will happen and revokes nothing yet
    page = client.get(reverse("buzon:revoke")).content.decode()
    assert "¿Revocar su casilla electrónica?" in page and selectors.casilla_active(citizen) is not None
    # when they confirm without a reason, it is refused on the field
    response = client.post(reverse("buzon:revoke"), {"reason": ""})
    assert response.status_code == 400 and "Indique el motivo de la revocación." in response.content.decode()
    assert selectors.casilla_active(citizen) is not None
    # when they confirm with a reason
    client.post(reverse("buzon:revoke"), {"reason": "Prefiero el correo"})
    # then the casilla is revoked with its consent event, and a new notice is pending personal notification
    assert selectors.casilla_active(citizen) is None
    assert list(ConsentEvent.objects.values_list("kind", flat=True)) == ["ACCEPTED", "REVOKED"]
    assert _deposit(citizen).status == Notice.Status.PENDING_PERSONAL
    # and accepting again re-opens it
    assert _accept(citizen).is_active


# ---- deposit and alert ---------------------------------------------------------------------------
def test_a_deposit_sends_the_alert_after_commit_through_smtp(smtp, citizen, django_capture_on_commit_callbacks):
    # given a citizen with a casilla and a mail server that answers
    smtp.start()
    _accept(citizen)
    # when a service deposits a notice
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = _deposit(citizen)
        assert smtp.messages == []  # nothing leaves before the commit
    # then the alert arrived once, in Spanish, with the link and without the act's text
    assert callbacks and len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == citizen.email
    assert "Nueva notificación en su casilla electrónica" in str(make_header(decode_header(message["Subject"])))
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
             if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert f"https://migraciones.example/buzon/{notice.pk}/" in parts["text/plain"]
    assert "Resolución de su trámite" in parts["text/plain"] and "Se aprueba" not in parts["text/plain"]
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DEPOSITED and notice.alert_sent_at is not None
    # and the broker message names the notice only
    assert OutboxMessage.objects.get(task_name=services.ALERT_TASK).kwargs == {"notice_id": notice.pk}


def test_a_mail_server_down_leaves_the_alert_pending_and_the_retry_sends_it_once(
        smtp, citizen, django_capture_on_commit_callbacks):
    # given a casilla and a mail server that is down
    _accept(citizen)
    # when a notice is deposited
    with django_capture_on_commit_callbacks(execute=True):
        notice = _deposit(citizen)
    # then the notice is deposited all the same, its alert counted as failed and pending
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DEPOSITED
    assert notice.alert_sent_at is None and notice.alert_attempts == 1
    failed = AuditEntry.objects.get(action="buzon.notice_alert_failed", object_id=str(notice.pk))
    assert citizen.email not in str(failed.details)
    # when the server comes back and the beat's retry runs
    smtp.start()
    assert services.notices_alert_pending(older_than_s=0) == 1
    # then the alert went out once; another retry sends nothing
    assert len(smtp.messages) == 1
    assert services.notices_alert_pending(older_than_s=0) == 0
    assert len(smtp.messages) == 1
    notice.refresh_from_db()
    assert notice.alert_sent_at is not None and notice.alert_attempts == 2


# ---- reading and the legal dates -----------------------------------------------------------------
def test_an_unopened_notice_of_1_april_2026_counts_as_notified_on_13_april(citizen):
    # given a notice deposited on Wednesday 1 April 2026 (2 and 3 April are Holy Thursday and Good Friday)
    _accept(citizen)
    notice = _deposit(citizen, deadline_business_days=10)
    Notice.objects.filter(pk=notice.pk).update(deposited_at=_on(dt.date(2026, 4, 1)))
    notice.refresh_from_db()
    # then its reading term is 6-10 April and it counts as notified on Monday 13 April
    assert selectors.notice_dates(notice).deemed_on == dt.date(2026, 4, 13)
    # and one deposited on Good Friday also counts from the 13th; one of Monday 6 April, from the 14th
    good_friday, monday = _deposit(citizen, record_id=8), _deposit(citizen, record_id=9)
    Notice.objects.filter(pk=good_friday.pk).update(deposited_at=_on(dt.date(2026, 4, 3)))
    Notice.objects.filter(pk=monday.pk).update(deposited_at=_on(dt.date(2026, 4, 6)))
    # when the beat runs on 12 April nothing changes; on 13 April the first two are marked deemed
    assert services.notices_deem_due(today=dt.date(2026, 4, 12)) == 0
    assert services.notices_deem_due(today=dt.date(2026, 4, 13)) == 2
    assert Notice.objects.get(pk=monday.pk).status == Notice.Status.DEPOSITED
    assert services.notices_deem_due(today=dt.date(2026, 4, 14)) == 1
    notice.refresh_from_db()
    dates = selectors.notice_dates(notice)
    assert notice.status == Notice.Status.DEEMED
    assert (dates.notified_on, dates.notified_by) == (dt.date(2026, 4, 13), "deemed")
    # and its 10 business days run from the day after: the deadline is 27 April
    assert dates.deadline == dt.date(2026, 4, 27)
    # and opening it later does not move the legal date
    services.notice_open(user=citizen, notice_id=notice.pk, actor=citizen)
    notice.refresh_from_db()
    assert notice.read_at is not None and selectors.notice_dates(notice).notified_on == dt.date(2026, 4, 13)


def test_the_reading_term_is_a_setting(settings, citizen):
    # given a term of 3 business days instead of 5
    settings.BUZON_DEEMED_AFTER_BUSINESS_DAYS = 3
    _accept(citizen)
    notice = _deposit(citizen)
    Notice.objects.filter(pk=notice.pk).update(deposited_at=_on(dt.date(2026, 4, 1)))
    notice.refresh_from_db()
    # then the notice counts as notified on the first business day after 6, 7 and 8 April
    assert selectors.notice_dates(notice).deemed_on == dt.date(2026, 4, 9)


def test_opening_a_notice_records_the_read_time_and_the_legal_date(client, citizen):
    # given a notice deposited on 1 April 2026 with a term of 10 business days
    _accept(citizen)
    notice = _deposit(citizen, deadline_business_days=10)
    Notice.objects.filter(pk=notice.pk).update(deposited_at=_on(dt.date(2026, 4, 1)))
    # when the citizen opens it (the read time set to 7 April, within the term)
    client.force_login(citizen)
    page = client.get(reverse("buzon:notice", args=[notice.pk])).content.decode()
    assert "Se aprueba su solicitud." in page
    Notice.objects.filter(pk=notice.pk).update(read_at=_on(dt.date(2026, 4, 7), 9))
    notice.refresh_from_db()
    # then it is read, notified on 7 April, and the deadline runs from then (8 April + 9 business days)
    dates = selectors.notice_dates(notice)
    assert notice.status == Notice.Status.READ
    assert (dates.notified_on, dates.notified_by, dates.deadline) == (dt.date(2026, 4, 7), "read", dt.date(2026, 4, 21))
    # and both the first opening and the read are audited; opening again keeps the first read time
    assert AuditEntry.objects.filter(action="buzon.notice_open", object_id=str(notice.pk)).count() == 1
    client.get(reverse("buzon:notice", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at == _on(dt.date(2026, 4, 7), 9)
    assert AuditEntry.objects.filter(action="buzon.notice_read", object_id=str(notice.pk), kind="read").count() == 2
    # and a read notice cannot be deemed any more
    with pytest.raises(TransitionNotAllowed):
        services.NOTICE.transition(actor="system:pruebas", pk=notice.pk, name="deem")


def test_another_persons_notice_is_not_found_and_not_marked_read(client, citizen, other_citizen):
    # given a notice of one citizen
    _accept(citizen)
    notice = _deposit(citizen)
    # when another citizen asks for it, its cargo or its attachment
    client.force_login(other_citizen)
    for name in ("buzon:notice", "buzon:cargo", "buzon:attachment"):
        assert client.get(reverse(name, args=[notice.pk])).status_code == 404
    assert client.get(reverse("buzon_api:notice", args=[notice.pk])).status_code == 404
    # then nothing was recorded on it
    notice.refresh_from_db()
    assert notice.read_at is None and notice.cargo_id is None
    # and an officer has no mailbox page
    officer = make_person("officer")
    client.force_login(officer)
    assert client.get(reverse("buzon:home")).status_code in (302, 403)


def test_the_list_shows_unread_notices_first(client, citizen):
    # given three notices, the newest one already read
    _accept(citizen)
    first, second, third = (_deposit(citizen, title=f"Aviso {n}", record_id=n) for n in (1, 2, 3))
    services.notice_open(user=citizen, notice_id=third.pk, actor=citizen)
    # when the citizen opens their mailbox
    client.force_login(citizen)
    page = client.get(reverse("buzon:home")).content.decode()
    # then the unread ones come first, newest first, and the read one last
    order = [page.index(f"Aviso {n}") for n in (2, 1, 3)]
    assert order == sorted(order)
    assert page.count("Sin leer") == 2
    # and the API says the same
    body = client.get(reverse("buzon_api:notices")).json()
    assert [n["title"] for n in body["notices"]] == ["Aviso 2", "Aviso 1", "Aviso 3"] and body["unread"] == 2


# ---- without a casilla: e-mail with acknowledgement ----------------------------------------------
def test_without_a_casilla_the_notice_is_emailed_and_pending_until_acknowledged(
        client, citizen, django_capture_on_commit_callbacks):
    # given a citizen who never accepted a casilla
    # when a notice is deposited for them
    with django_capture_on_commit_callbacks(execute=True):
        notice = _deposit(citizen, deadline_business_days=15)
    # then it is pending personal notification and an e-mail carries the act and a link
    assert notice.status == Notice.Status.PENDING_PERSONAL and notice.casilla_id is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [citizen.email]
    text = mail.outbox[0].body
    assert "Se aprueba su solicitud." in text
    link = re.search(r"https://migraciones\.example(/buzon/acuse/[^/\s]+/)", text).group(1)
    assert selectors.notice_dates(notice).notified_on is None
    # when the link is opened (a mail scanner's GET), nothing is acknowledged
    assert "Confirmo que recibí" in client.get(link).content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PENDING_PERSONAL
    # when the person confirms
    response = client.post(link)
    assert "Registramos la recepción" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.ACKNOWLEDGED
    dates = selectors.notice_dates(notice)
    assert dates.notified_by == "acknowledged" and dates.notified_on == timezone.localdate()
    # and the link cannot be used twice, nor a tampered one at all
    assert client.post(link).status_code == 409
    assert client.post(link[:-3] + "xx/").status_code == 400


# ---- cargo and attachment ------------------------------------------------------------------------
def test_every_notice_has_a_signed_cargo_that_follows_its_state(client, citizen):
    # given a deposited notice
    _accept(citizen)
    notice = _deposit(citizen)
    client.force_login(citizen)
    # when the citizen downloads its cargo before opening the act
    document = services.notice_cargo(user=citizen, notice_id=notice.pk, actor=citizen)
    # then it is a signed document anyone can check, with the deposit date and no notification date yet
    view = document_verify(document.code, actor=None, via="code")
    assert view.status == "VALID" and document.kind == "CARGO_NOTIFICACION"
    assert document.facts["deposited_on"] == timezone.localdate().isoformat() and "notified_on" not in document.facts
    # when they open the notice and ask again, the cargo says the day it was read
    client.get(reverse("buzon:notice", args=[notice.pk]))
    response = client.get(reverse("buzon:cargo", args=[notice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert notice.cargo_id != document.pk
    assert notice.cargo.facts["notified_on"] == timezone.localdate().isoformat()
    # and asking in the same state gives the same document
    client.get(reverse("buzon:cargo", args=[notice.pk]))
    assert Document.objects.filter(kind="CARGO_NOTIFICACION", record_id=str(notice.pk)).count() == 2


def test_downloading_the_attached_act_counts_as_reading_it(client, citizen):
    # given a notice with a signed resolution attached
    from weasyprint import HTML

    from documentos.services import document_issue

    resolution = document_issue(kind="RESOLUCION", pdf=HTML(string="<h1>Resolución</h1>").write_pdf(),
                                facts={"number": "R-1"}, record_kind="pruebas.expediente", record_id=7,
                                actor="system:pruebas")
    _accept(citizen)
    notice = _deposit(citizen, attachment=resolution)
    client.force_login(citizen)
    # when the citizen downloads the act
    response = client.get(reverse("buzon:attachment", args=[notice.pk]))
    # then they get the signed PDF and the notice is read
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert notice.status == Notice.Status.READ and notice.read_at is not None


def test_a_deposit_without_a_title_is_refused_and_writes_nothing(citizen):
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        _deposit(citizen, title="  ")
    assert "title" in refused.value.fields and not Notice.objects.exists()


def test_the_mailbox_in_english(client, citizen):
    # given a citizen with a notice deposited in both languages, who chose English
    _accept(citizen)
    notice = _deposit(citizen, title_en="Decision on your application", body_en="Your application is approved.")
    client.force_login(citizen)
    client.post(reverse("set_language"), {"language": "en"})
    # when they open their mailbox and the notice
    listing = client.get(reverse("buzon:home")).content.decode()
    page = client.get(reverse("buzon:notice", args=[notice.pk])).content.decode()
    # then the pages and the notice are English
    assert "<h1>Electronic mailbox</h1>" in listing and "Decision on your application" in listing
    assert "Casilla electrónica" not in listing and "Sin leer" not in listing
    assert "Your application is approved." in page and "Download the proof of notification" in page
    assert "Se aprueba" not in page


def test_an_officer_sees_the_persons_notices_on_the_person_page(client, citizen):
    from rim.tests.factories import PersonFactory
    from rim.tests.test_views import staff_factories

    # given a person of the RIM with a notice deposited for them
    person = PersonFactory(given_names="Camila", first_surname="Rojas", second_surname="Pérez")
    _deposit(citizen, person_id=person.pk, title="Resolución de su prórroga")
    # when an officer opens the person's page with a purpose
    officer = staff_factories.staff("oficial.buzon", "officer", staff_factories.office())
    staff_factories.login_staff(client, officer)
    body = client.get(reverse("rim:person_detail", args=[person.pk]), {"finalidad": "ATENCION_SEDE"}).content.decode()
    # then the notice is listed with its state, and nothing of its text
    assert "Resolución de su prórroga" in body and "Pendiente de notificación personal" in body
    assert "Se aprueba su solicitud." not in body
