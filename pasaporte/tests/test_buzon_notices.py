"""pasaporte on the buzón rail: a citizen with a casilla electrónica is told of each step by a notice there."""
import pytest
from django.core import mail

from buzon import services
from buzon.models import Notice
from pasaporte.notifications import notify_status
from pasaporte.tests.factories import paid_application

pytestmark = pytest.mark.django_db


def test_a_passport_step_is_a_notice_in_the_casilla_when_the_citizen_has_one(citizen):
    # given a citizen with an active casilla and a paid application
    services.casilla_accept(user=citizen, email=citizen.email, phone="987654321", accepted_terms=True,
                            actor=citizen)
    application = paid_application(citizen)
    mail.outbox.clear()
    # when the step is notified
    assert notify_status(application_id=application.pk, status="PAID") is True
    # then a notice of that application is in the casilla, in both languages, and no plain e-mail went out
    notice = Notice.objects.get(record_kind="pasaporte.application", record_id=str(application.pk))
    assert notice.status == Notice.Status.DEPOSITED and notice.expediente == f"PAS-{application.pk}"
    assert "Su pasaporte" in notice.title and "passport" in notice.title_en.lower()
    assert all("Su pasaporte" not in m.subject for m in mail.outbox)
    # and telling the same step twice deposits nothing more
    assert notify_status(application_id=application.pk, status="PAID") is False
    assert Notice.objects.filter(record_kind="pasaporte.application").count() == 1


def test_without_a_casilla_the_step_is_an_e_mail_in_the_citizens_language(citizen):
    # given a citizen without a casilla who reads the portal in English
    citizen.language = "en"
    citizen.save(update_fields=["language"])
    application = paid_application(citizen)
    mail.outbox.clear()
    # when the step is notified
    assert notify_status(application_id=application.pk, status="PAID") is True
    # then one e-mail went out, in English, with an HTML part, and no notice was made
    [message] = mail.outbox
    assert message.subject.startswith("MIGRACIONES · Your passport:")
    assert "passport application" in message.body.lower()
    assert message.alternatives and "Your passport" not in message.body.split("\n")[0]
    assert "<html" in message.alternatives[0][0]
    assert not Notice.objects.exists()
