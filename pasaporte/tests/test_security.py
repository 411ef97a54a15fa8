"""Attacks on the e-passport's staff side over HTTP: another sede's citas and applications, a replaced face at
delivery, and the audit of what officers' pages show."""
import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from auditoria.selectors import person_access_log
from biometria.models import DuplicateCase, Enrollment
from biometria.services import case_decide, station_token_issue
from biometria.tests.test_apis import _post_multipart
from cuentas.services import device_register
from citas.models import Appointment, Service, Slot
from pasaporte.models import Application

from . import factories

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def other_office(db):
    return factories.office("CUS")


@pytest.fixture
def outsider(other_office):
    """An officer of another sede."""
    return factories.staff("oficial.cusco", "officer", other_office)


def _past_appointment(citizen, office) -> Appointment:
    application = factories.paid_application(citizen)
    started = timezone.now() - dt.timedelta(hours=1)
    slot = Slot.objects.create(office=office, service=Service.PASSPORT_ENROLLMENT, starts_at=started, capacity=2,
                               booked=1)
    application.office = office
    application.save(update_fields=["office"])
    return Appointment.objects.create(user=citizen, document=application.dni, service=slot.service, slot=slot,
                                      record_kind="pasaporte.application", record_id=application.pk)


def test_an_officer_of_another_sede_cannot_mark_a_no_show(client, citizen, office, outsider):
    # Given a cita at Breña whose turn has begun
    appointment = _past_appointment(citizen, office)
    # When an officer of Cusco marks it as a no-show
    factories.login_staff(client, outsider)
    page = client.post(reverse("pasaporte:no_show", args=[appointment.pk]), follow=True)
    # Then it is refused with the reason, and the cita and its place are untouched
    assert "otra sede" in page.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED and appointment.slot.booked == 1


def test_the_sedes_own_officer_marks_the_no_show(client, citizen, office, officer):
    appointment = _past_appointment(citizen, office)
    factories.login_staff(client, officer)
    client.post(reverse("pasaporte:no_show", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_staff_without_a_sede_are_refused(client, citizen, office):
    appointment = _past_appointment(citizen, office)
    nowhere = factories.staff("oficial.sin.sede", "officer", None)
    factories.login_staff(client, nowhere)
    assert client.post(reverse("pasaporte:no_show", args=[appointment.pk])).status_code == 403
    assert client.get(reverse("pasaporte:enroll", args=[appointment.record_id])).status_code == 403
    assert client.get(reverse("pasaporte:office_today")).status_code == 403
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.BOOKED


def test_an_officer_of_another_sede_cannot_open_deliver_or_review(client, ready, outsider):
    factories.login_staff(client, outsider)
    for name in ("pasaporte:deliver", "pasaporte:enroll", "pasaporte:review"):
        assert client.get(reverse(name, args=[ready.pk])).status_code == 403, name
    face = SimpleUploadedFile("f.jpg", factories.read("faces/obama.jpg"), content_type="image/jpeg")
    assert client.post(reverse("pasaporte:deliver", args=[ready.pk]), {"face": face}).status_code == 403
    ready.refresh_from_db()
    assert ready.status == S.READY


def test_delivery_checks_the_face_in_the_chip_even_after_the_persons_biometrics_were_replaced(
        client, ready, office, officer):
    # Given a passport ready, personalized with the holder's face
    chip_enrollment = ready.biometric_enrollment
    # When two officers of the sede (one enrolling through a station, another approving) replace the
    # person's biometrics with someone else's face
    station, secret = device_register(key_id="ENROL-BRE-07", office=office, kind="ENROLLMENT",
                                      secret="station-secret-for-tests")
    accomplice = factories.staff("oficial.dos", "officer", office)
    approver = factories.staff("oficial.tres", "supervisor", office)
    missing = json.dumps([{"position": p, "reason": "AMPUTATED"} for p in range(2, 11)])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _post_multipart(client, (station.key_id, secret), "enroll", {
            "person_id": str(ready.person_id), "document_kind": "PASAPORTE",
            "officer_token": station_token_issue(actor=accomplice, device_key_id=station.key_id),
            "face": SimpleUploadedFile("f.jpg", factories.read("faces/biden.jpg")),
            "finger_1": SimpleUploadedFile("p.png", factories.read("fingerprints/sourceafis_nonmatching.png")),
            "missing_fingers": missing,
            "signature": SimpleUploadedFile("s.jpg", factories.read("fingerprints/utkarsh_2.jpg")),
        })
    # Then the new enrollment only waits for review; the chip's stays in force
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "PENDING_REVIEW"
    assert Enrollment.objects.get(pk=chip_enrollment.pk).status == "ACTIVE"
    # Even if it is approved
    with TestCase.captureOnCommitCallbacks(execute=True):
        case_decide(actor=approver, case_id=response.json()["duplicate_case_id"], accept=True, reason="aprobado")
    assert DuplicateCase.objects.get(pk=response.json()["duplicate_case_id"]).status == "APPROVED"
    # When the impostor comes for the passport, delivery compares with the face in the chip: refused
    factories.login_staff(client, officer)
    url = reverse("pasaporte:deliver", args=[ready.pk])
    impostor = SimpleUploadedFile("f.jpg", factories.read("faces/biden.jpg"), content_type="image/jpeg")
    page = client.post(url, {"face": impostor})
    assert "no coincide" in page.content.decode()
    ready.refresh_from_db()
    assert ready.status == S.READY
    # And the holder gets it
    holder = SimpleUploadedFile("f.jpg", factories.read("faces/obama.jpg"), content_type="image/jpeg")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"face": holder})
    ready.refresh_from_db()
    assert ready.status == S.DELIVERED


def test_the_officers_pages_write_a_read_entry_with_the_person_and_purpose(client, ready, officer):
    factories.login_staff(client, officer)
    for name, action in (("pasaporte:deliver", "pasaporte.page.deliver"), ("pasaporte:enroll", "pasaporte.page.enroll"),
                         ("pasaporte:review", "pasaporte.page.review")):
        assert client.get(reverse(name, args=[ready.pk])).status_code == 200
        entry = person_access_log(person_id=ready.person_id).filter(action=action).first()
        assert entry is not None and entry.actor_repr == officer.username and entry.purpose, action
    client.get(reverse("pasaporte:office_today"))
    assert person_access_log(person_id=ready.person_id).filter(action="pasaporte.page.office_today").exists()


def test_an_oversized_upload_is_refused_on_the_form_before_it_is_read(client, ready, officer):
    factories.login_staff(client, officer)
    huge = SimpleUploadedFile("f.jpg", b"\xff\xd8\xff" + bytes(10 * 1024 * 1024 + 1), content_type="image/jpeg")
    page = client.post(reverse("pasaporte:deliver", args=[ready.pk]), {"face": huge})
    assert page.status_code == 200 and "supera el límite" in page.content.decode()
    ready.refresh_from_db()
    assert ready.status == S.READY
