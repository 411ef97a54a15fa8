"""Delivery at the counter: the holder is checked 1:1 with a fingerprint when the face is not used."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from core.errors import ValidationFailed
from pasaporte import services
from pasaporte.models import Application, CheckResult

from . import factories

pytestmark = pytest.mark.django_db
S = Application.Status


def _finger(path: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.split("/")[-1], factories.read(path), content_type="image/png")


def test_another_finger_is_refused_and_the_holders_thumb_gets_the_passport(ready, officer, client):
    factories.login_staff(client, officer)
    url = reverse("pasaporte:deliver", args=[ready.pk])
    # when the officer checks someone else's finger as the right thumb
    page = client.post(url, {"finger": _finger("fingerprints/sourceafis_nonmatching.png"), "finger_position": 1})
    # then the passport is not handed over, and the refusal is on record
    assert "no coincide" in page.content.decode()
    ready.refresh_from_db()
    assert ready.status == S.READY
    assert CheckResult.objects.filter(application=ready, outcome="HIT", detail__modality="finger").count() == 1
    # when the holder's own right thumb (another impression of it) is checked
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"finger": _finger("fingerprints/sourceafis_matching.png"), "finger_position": 1})
    # then it is delivered, by fingerprint
    ready.refresh_from_db()
    assert ready.status == S.DELIVERED
    assert "huella" in ready.events.last().note
    clear = CheckResult.objects.get(application=ready, outcome="CLEAR", detail__step="entrega")
    assert clear.detail["modality"] == "finger" and clear.detail["position"] == 1


def test_a_finger_that_was_not_enrolled_or_no_biometric_at_all_is_refused_with_the_field(ready, officer):
    with pytest.raises(ValidationFailed) as not_enrolled:
        services.passport_deliver(actor=officer, application_id=ready.pk,
                                  finger=factories.read("fingerprints/sourceafis_matching.png"), finger_position=7)
    assert "finger_position" in not_enrolled.value.fields
    with pytest.raises(ValidationFailed) as nothing:
        services.passport_deliver(actor=officer, application_id=ready.pk)
    assert "face" in nothing.value.fields
    ready.refresh_from_db()
    assert ready.status == S.READY
