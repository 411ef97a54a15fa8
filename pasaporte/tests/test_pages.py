"""Pages by role: the citizen's follow-up, the officer's day at their sede, the supervisor's dashboard."""
import pytest
from django.urls import reverse

from pasaporte import services

from . import factories

pytestmark = pytest.mark.django_db


def test_the_citizen_sees_state_cita_and_timeline_in_spanish(citizen_client, citizen, office):
    application = factories.paid_application(citizen)
    services.appointment_book(actor=citizen, application_id=application.pk, slot_id=factories.future_slot(office).pk)
    body = citizen_client.get(reverse("pasaporte:home")).content.decode()
    assert "Cita reservada" in body and office.name in body and "Seguimiento" in body
    assert "Reprogramar cita" in body and "Anular cita" in body


def test_back_office_pages_need_the_right_role(citizen_client, client, office):
    assert citizen_client.get(reverse("pasaporte:office_today")).status_code == 403
    assert citizen_client.get(reverse("pasaporte:dashboard")).status_code == 403
    supervisor = factories.staff("supervisor.brena", "supervisor", office)
    factories.login_staff(client, supervisor)
    page = client.get(reverse("pasaporte:dashboard"))
    assert page.status_code == 200 and "Enrolamiento → listo" in page.content.decode()


def test_the_officer_sees_todays_citas_at_their_sede(client, officer, office, citizen):
    from django.utils import timezone
    import datetime as dt

    application = factories.paid_application(citizen)
    soon = factories.future_slot(office, days=0, hour=23)
    if soon.starts_at <= timezone.now():
        pytest.skip("no turn left today")
    services.appointment_book(actor=citizen, application_id=application.pk, slot_id=soon.pk)
    factories.login_staff(client, officer)
    body = client.get(reverse("pasaporte:office_today")).content.decode()
    assert citizen.dni in body and "Citas de hoy" in body
