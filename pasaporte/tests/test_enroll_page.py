"""The counter's enrollment page: after a refused photo the accepted fingers and signature are kept (on the server)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from pasaporte.models import Application

from . import factories
from .test_flow import _booked, _enroll_form

pytestmark = pytest.mark.django_db


def test_after_a_refused_photo_only_the_photo_is_repeated(citizen, office, officer, external_systems, pki_dir, client):
    # given a validated application and a photo far too dark, with good fingers and signature
    application = _booked(citizen, office)
    factories.login_staff(client, officer)
    good = _enroll_form()
    url = reverse("pasaporte:enroll", args=[application.pk])
    page = client.post(url, {
        "face": SimpleUploadedFile("cara.jpg", factories.dark_photo()),
        "finger_1": SimpleUploadedFile("p.png", good["fingers"][1]),
        "finger_2": SimpleUploadedFile("f.wsq", good["fingers"][2]),
        "signature": SimpleUploadedFile("firma.jpg", good["signature"])}).content.decode()
    # then the page names the kept fingers and signature, not the refused photo, and sends none of them back
    assert "Archivo aceptado: p.png — puede cambiarlo" in page and "Archivo aceptado: f.wsq — puede cambiarlo" in page
    assert "Archivo aceptado: firma.jpg — puede cambiarlo" in page and "cara.jpg" not in page
    assert 'name="kept_' not in page and "base64" not in page
    assert 'id="enroll-busy" role="status"' in page
    # when the officer sends only a new photo (choosing nothing else)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"face": SimpleUploadedFile("cara.jpg", good["face"])})
    # then the enrollment is recorded with the kept fingers and signature
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status != Application.Status.VALIDATED and application.biometric_enrollment is not None


def test_a_missing_required_image_is_named(citizen, office, officer, external_systems, client):
    application = _booked(citizen, office)
    factories.login_staff(client, officer)
    good = _enroll_form()
    response = client.post(reverse("pasaporte:enroll", args=[application.pk]), {
        "face": SimpleUploadedFile("cara.jpg", good["face"]),
        "finger_1": SimpleUploadedFile("p.png", good["fingers"][1])})
    page = response.content.decode()
    # the summary names the right index and the signature, each message on its field too
    assert '<a href="#id_finger_2">Huella: índice derecho: Falta esta imagen.</a>' in page
    assert '<a href="#id_signature">Firma: Falta esta imagen.</a>' in page
    assert page.count("Falta esta imagen.") == 4
    assert "Archivo aceptado: p.png — puede cambiarlo" in page


def test_an_officer_starting_the_page_again_gets_no_file_kept_from_before(citizen, office, officer, external_systems,
                                                                         client):
    # given a failed submission that kept a finger
    application = _booked(citizen, office)
    factories.login_staff(client, officer)
    good = _enroll_form()
    url = reverse("pasaporte:enroll", args=[application.pk])
    client.post(url, {"finger_1": SimpleUploadedFile("p.png", good["fingers"][1])})
    # when the officer opens the page afresh
    page = client.get(url).content.decode()
    # then nothing is said to be kept, and a submission without the finger is missing it
    assert "Archivo aceptado" not in page
    page = client.post(url, {"face": SimpleUploadedFile("cara.jpg", good["face"])}).content.decode()
    assert '<a href="#id_finger_1">Huella: pulgar derecho: Falta esta imagen.</a>' in page


def test_delivery_keeps_the_fingerprint_when_the_finger_is_not_said(ready, officer, client):
    # given a ready passport and the holder's fingerprint sent without saying which finger it is
    factories.login_staff(client, officer)
    url = reverse("pasaporte:deliver", args=[ready.pk])
    page = client.post(url, {"finger": SimpleUploadedFile("huella.png", factories.read(
        "fingerprints/sourceafis_probe.png"))}).content.decode()
    # then the page asks for the finger and names the fingerprint it keeps
    assert "Indique qué dedo es." in page and "Archivo aceptado: huella.png — puede cambiarlo" in page
    # when the officer chooses the finger and sends the page again without choosing the file
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"finger_position": "1"})
    # then the holder is checked with the kept fingerprint and the passport is delivered
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Application.Status.DELIVERED
