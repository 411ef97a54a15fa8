"""Validation, enrollment, personalization, delivery: the application's path after the cita."""
import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from mrtd.lds import decode_dg2
from mrtd.pa import passive_authentication
from mrtd.pki import load_pki
from pasaporte import selectors, services, tasks
from pasaporte.models import Application, CheckResult, Passport
from pasaporte.services.personalization import chip_image_files
from rim import services as rim_services
from rim.models import IdentityDocument

from . import factories

pytestmark = pytest.mark.django_db
S = Application.Status


def committed(call, *args, **kwargs):
    """Run a service and then its after-commit work (tasks, e-mails), as a real request would."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        result = call(*args, **kwargs)
    return result


def _booked(citizen, office) -> Application:
    application = factories.paid_application(citizen)
    committed(services.appointment_book, actor=citizen, application_id=application.pk,
              slot_id=factories.future_slot(office).pk)
    application.refresh_from_db()
    return application


def _enroll_form(face: str = "faces/obama2.jpg") -> dict:
    return {"face": factories.read(face), "fingers": {1: factories.read("fingerprints/sourceafis_probe.png"),
                                                       2: factories.read("fingerprints/jmrtd_fp.wsq")},
            "signature": factories.read("fingerprints/utkarsh_2.jpg")}


def test_reniec_down_during_validation_leaves_it_pending_and_it_completes_once_back(citizen, office, external_systems):
    # given RENIEC is down when the cita is booked
    external_systems.fault("reniec", status=503)
    application = _booked(citizen, office)
    # then the application waits, visibly, with the reason and the outage on record
    assert application.status == S.VALIDATION_PENDING and "RENIEC" in application.status_reason
    assert CheckResult.objects.filter(application=application, source="RENIEC", outcome="UNAVAILABLE").exists()
    # when RENIEC is back and the periodic resume runs, it completes
    external_systems.clear_faults()
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=10))
    assert committed(tasks.validation_resume_pending_task.delay).get() == 1
    application.refresh_from_db()
    assert application.status == S.VALIDATED
    assert [e.to_status for e in application.events.all()] == [S.PAID, S.BOOKED, S.VALIDATION_PENDING, S.VALIDATED]
    assert set(application.checks.filter(outcome="CLEAR").values_list("source", flat=True)) == {
        "RENIEC", "PNP", "INTERPOL", "PAYMENT"}


def test_a_pnp_hit_stops_the_application_for_an_officer_with_the_reason(office, external_systems):
    wanted = factories.citizen("41234666", email="r@example.pe")  # the PNP simulator: ...666 is a requisitoria
    application = _booked(wanted, office)
    assert application.status == S.OBSERVED and "requisitoria" in application.status_reason
    with pytest.raises(Exception, match="validada"):
        services.enrollment_record(actor=factories.staff("o2", "officer", office), application_id=application.pk,
                                   **_enroll_form())


def test_a_previous_passport_reported_stolen_to_interpol_stops_the_application(office, external_systems):
    citizen = factories.citizen("45678912", email="q@example.pe")
    application = _booked(citizen, office)  # creates the RIM person from RENIEC
    assert application.status == S.VALIDATED
    person_id = application.person_id
    # a second application, now with a previous passport ending in 999 (STOLEN in the SLTD simulator)
    services.appointment_cancel(actor=citizen, application_id=application.pk, reason="Ya no viajo")
    Application.objects.filter(pk=application.pk).update(status=S.CANCELLED)
    from rim.models import Person
    rim_services.document_add(actor="t", person=Person.objects.get(pk=person_id), kind="PASAPORTE",
                              number="118000999", issuing_state="PER", issue_date=dt.date(2018, 1, 1))
    second = factories.paid_application(citizen)
    committed(services.appointment_book, actor=citizen, application_id=second.pk, slot_id=factories.future_slot(office, hour=11).pk)
    second.refresh_from_db()
    assert second.status == S.OBSERVED and "118000999" in second.status_reason and "STOLEN" in second.status_reason


def test_enrollment_personalization_and_delivery(citizen, office, officer, external_systems, pki_dir, client):
    # given a validated application whose citizen already holds a passport in the RIM
    application = _booked(citizen, office)
    assert application.status == S.VALIDATED
    from rim.models import Person
    old = rim_services.document_add(actor="t", person=Person.objects.get(pk=application.person_id), kind="PASAPORTE",
                                    number="118000001", issuing_state="PER", issue_date=dt.date(2016, 5, 1))
    # when the officer enrolls a face that does not match RENIEC's photo, nothing is enrolled
    with pytest.raises(ValidationFailed, match="RENIEC"):
        services.enrollment_record(actor=officer, application_id=application.pk, **_enroll_form("faces/biden.jpg"))
    # and with the citizen's face (RENIEC holds obama.jpg) personalization runs to "ready"
    application = committed(services.enrollment_record, actor=officer, application_id=application.pk, **_enroll_form())
    application.refresh_from_db()
    assert application.status == S.READY
    passport = Passport.objects.get(application=application)
    assert len(passport.number) == 9 and passport.qc["passed"] and passport.qc["pa_valid"]
    assert passport.mrz.startswith("P<PERCARDENAS<<JORGE<ANTHONY")
    # the stored chip image passes passive authentication under the CSCA and carries the enrolled face
    files = chip_image_files(passport.chip_image)
    report = passive_authentication(sod=files["EF_SOD"], data_groups={int(k[2:]): v for k, v in files.items()
                                                                        if k.startswith("DG")},
                                    csca_certs=[load_pki(pki_dir).csca_cert_der])
    assert report.valid and set(files) >= {"EF_COM", "DG1", "DG2", "DG3", "DG7", "DG14", "DG15", "EF_SOD"}
    # the chip proved its Active and Chip Authentication keys at quality control
    assert passport.qc["aa_verified"] and passport.qc["ca_verified"]
    # and those private keys are in the chip's image handed to the card, never in the database
    from django.conf import settings as live_settings

    from pasaporte.services.personalization import chip_image_load

    stored = chip_image_load(passport.chip_image)
    assert stored.aa_key is None and stored.ca_key is None and b"PRIVATE" not in passport.chip_image
    card = live_settings.PASAPORTE_CHIP_OUTPUT_DIR / f"{passport.number}.zip"
    assert (card.stat().st_mode & 0o777) == 0o600
    handed = chip_image_load(card.read_bytes())
    assert handed.aa_key is not None and handed.ca_key is not None and handed.files == stored.files
    assert decode_dg2(files["DG2"])[0].image_bytes[:2] == b"\xff\xd8"
    # running the job again does not take a second number
    services.passport_personalize(application_id=application.pk)
    assert Passport.objects.count() == 1
    # at the counter: someone else's face is refused, the holder's face gets the passport
    factories.login_staff(client, officer)
    page = client.post(reverse("pasaporte:deliver", args=[application.pk]),
                       {"face": _upload("faces/biden.jpg")})
    assert "no coincide" in page.content.decode()
    committed(client.post, reverse("pasaporte:deliver", args=[application.pk]), {"face": _upload("faces/obama_small.jpg")})
    application.refresh_from_db()
    assert application.status == S.DELIVERED
    assert IdentityDocument.objects.get(pk=old.pk).status == IdentityDocument.Status.CANCELADO
    assert IdentityDocument.objects.get(number=passport.number).status == IdentityDocument.Status.VIGENTE
    # the citizen got an e-mail at each step and sees the whole timeline
    subjects = [m.subject for m in mail.outbox]
    assert any("Listo para entrega" in s for s in subjects) and any("Entregado" in s for s in subjects)
    assert [e.to_status for e in application.events.all()] == [
        S.PAID, S.BOOKED, S.VALIDATED, S.ENROLLED, S.PERSONALIZING, S.READY, S.DELIVERED]


def _upload(path: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.split("/")[-1], factories.read(path), content_type="image/jpeg")


def _same_face_applicants(office, n: int) -> list[Application]:
    """Validated applications of `n` DNIs to which the RENIEC simulator gives one photo (biden.jpg)."""
    from integraciones import reniec
    biden = factories.read("faces/biden.jpg")
    dnis = [d for d in (f"4000{k:04d}" for k in range(1, 60)) if reniec.get_client().lookup(d).photo_jpeg == biden][:n]
    return [_booked(factories.citizen(dni, email=f"a{i}@example.pe"), office) for i, dni in enumerate(dnis)]


def test_the_same_face_under_another_dni_stops_with_a_case_and_goes_on_once_judged_different_persons(
        office, officer, external_systems, pki_dir, client):
    # given one person already enrolled, and a second applicant with the same face under another DNI
    first, second = _same_face_applicants(office, 2)
    first = committed(services.enrollment_record, actor=officer, application_id=first.pk,
                      **_enroll_form("faces/biden.jpg"))
    first.refresh_from_db()
    assert first.status == S.READY
    # when the officer enrolls the second one
    second = committed(services.enrollment_record, actor=officer, application_id=second.pk,
                       **_enroll_form("faces/biden.jpg"))
    # then the application stops for an officer with biometria's duplicate case, and nothing is personalized
    assert second.status == S.OBSERVED and "duplicado" in second.status_reason
    case = selectors.application_duplicate_case(second)
    assert case.status == "OPEN" and case.matched_enrollment.person_id == first.person_id
    assert str(case.pk) in second.status_reason
    assert not Passport.objects.filter(application=second).exists()
    # and it cannot go on before the case is decided
    with pytest.raises(Conflict):
        services.application_duplicate_continue(actor=officer, application_id=second.pk)
    # the officer's review page links to biometria's case page
    factories.login_staff(client, officer)
    case_url = reverse("biometria:case_detail", args=[case.pk])
    assert case_url in client.get(reverse("pasaporte:review", args=[second.pk])).content.decode()
    # when the officer decides "different persons" on biometria's page and applies it to the application
    client.post(case_url, {"decision": "different", "reason": "Hermanos gemelos; RENIEC confirma dos personas."})
    committed(client.post, reverse("pasaporte:review", args=[second.pk]), {"action": "continue"})
    # then the application goes on to a personalized passport carrying the second person's enrollment
    second.refresh_from_db()
    assert second.status == S.READY, second.status_reason
    assert Passport.objects.get(application=second).qc["passed"]
    assert [e.to_status for e in second.events.all()] == [
        S.PAID, S.BOOKED, S.VALIDATED, S.OBSERVED, S.ENROLLED, S.PERSONALIZING, S.READY]
    assert second.biometric_enrollment.status == "ACTIVE"


def test_a_duplicate_judged_the_same_person_on_the_review_page_rejects_the_application(
        office, officer, external_systems, pki_dir, client):
    first, second = _same_face_applicants(office, 2)
    committed(services.enrollment_record, actor=officer, application_id=first.pk, **_enroll_form("faces/biden.jpg"))
    second = committed(services.enrollment_record, actor=officer, application_id=second.pk,
                       **_enroll_form("faces/biden.jpg"))
    assert second.status == S.OBSERVED
    # when the officer decides on pasaporte's review page that it is the same person under another DNI
    factories.login_staff(client, officer)
    committed(client.post, reverse("pasaporte:review", args=[second.pk]),
              {"decision": "same", "reason": "Misma persona; se deriva a investigación."})
    # then the application is rejected, and biometria recorded the same decision
    second.refresh_from_db()
    assert second.status == S.REJECTED and "misma persona" in second.status_reason
    assert selectors.application_duplicate_case(second).status == "SAME_PERSON"
    assert second.biometric_enrollment.status == "REJECTED"
    assert not Passport.objects.filter(application=second).exists()


def test_a_photo_of_poor_quality_is_refused_with_the_quality_report_on_the_enrollment_page(
        citizen, office, officer, external_systems, client):
    # given the citizen's photo taken far too dark (the exposure check blocks it)
    application = _booked(citizen, office)
    dark = factories.dark_photo()
    factories.login_staff(client, officer)
    form = _enroll_form()
    # when the officer submits it at the counter
    page = client.post(reverse("pasaporte:enroll", args=[application.pk]), {
        "face": _upload_bytes("cara.jpg", dark),
        "finger_1": _upload_bytes("p.png", form["fingers"][1]), "finger_2": _upload_bytes("f.wsq", form["fingers"][2]),
        "signature": _upload_bytes("firma.jpg", form["signature"])}).content.decode()
    # then the officer sees the report (which check failed) and nothing was enrolled
    assert "Calidad de la foto" in page and "Exposición" in page and "Repita la foto" in page
    application.refresh_from_db()
    assert application.status == S.VALIDATED and application.biometric_enrollment is None


def _upload_bytes(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_uncollected_passports_are_cancelled_after_60_days_and_lost_ones_can_be_reported(
        citizen, office, officer, external_systems, pki_dir, citizen_client):
    application = _booked(citizen, office)
    committed(services.enrollment_record, actor=officer, application_id=application.pk, **_enroll_form())
    passport = Passport.objects.get(application=application)
    assert tasks.expire_uncollected_task.delay().get() == 0
    Application.objects.filter(pk=application.pk).update(ready_at=timezone.now() - dt.timedelta(days=61))
    assert tasks.expire_uncollected_task.delay().get() == 1
    application.refresh_from_db()
    assert application.status == S.EXPIRED
    assert IdentityDocument.objects.get(number=passport.number).status == IdentityDocument.Status.CANCELADO
    # a passport in force reported stolen by its holder is cancelled in the RIM
    from rim.models import Person
    held = rim_services.document_add(actor="t", person=Person.objects.get(pk=application.person_id), kind="PASAPORTE",
                                     number="118000002", issuing_state="PER", issue_date=dt.date(2017, 1, 1))
    citizen_client.post(reverse("pasaporte:report_loss", args=[held.pk]), {"status": "ROBADO", "reason": "asalto"})
    assert IdentityDocument.objects.get(pk=held.pk).status == IdentityDocument.Status.ROBADO
