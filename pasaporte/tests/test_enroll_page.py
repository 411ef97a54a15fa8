"""The counter's enrollment page: after a refused photo the accepted fingers and signature are kept."""
import re

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
    # then the page keeps the fingers and the signature, not the refused photo, and says so
    kept = {name: value for name, value in re.findall(r'name="(kept_\w+)" value="([^"]*)"', page) if value}
    assert set(kept) == {"kept_finger_1", "kept_finger_2", "kept_signature"}
    assert "Se conservan las imágenes aceptadas" in page
    assert "<li>Huella: pulgar derecho</li>" in page and "<li>Firma</li>" in page and "<li>Foto del rostro</li>" not in page
    assert 'id="enroll-busy" role="status"' in page
    # when the officer sends only a new photo
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {**kept, "face": SimpleUploadedFile("cara.jpg", good["face"])})
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
    assert re.search(r'name="kept_finger_1" value="[^"]+"', page)
