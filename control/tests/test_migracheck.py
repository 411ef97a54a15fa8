"""MigraCheck: a trip registered up to 48 h ahead, bound to the traveller's chip photo; its limits."""
import base64
import datetime as dt
import json
import time

import pytest
from django.core import mail
from django.utils import timezone

from control import faces as control_faces
from control.models import Crossing, PreRegistration
from control.services import Boarding, crossing_decide

from .conftest import make_chip, td3

pytestmark = pytest.mark.django_db

EXPIRY = dt.date.today() + dt.timedelta(days=3 * 365)


def _body(chip=None, *, hours_ahead=6, number="PZ1234567", birth="1961-08-04", expiry=EXPIRY, direction="EXIT",
          purpose="TURISMO", email="viajero@example.com", **extra) -> dict:
    body = {"document_number": number, "issuing_state": "USA", "nationality": "USA", "birth_date": birth,
            "expiry_date": expiry.isoformat(), "direction": direction, "flight": "AA0918",
            "flight_at": (timezone.now() + dt.timedelta(hours=hours_ahead)).isoformat(),
            "purpose": purpose, "destination": "Miami", "email": email, **extra}
    if chip is not None:
        body["dg2"] = base64.b64encode(chip.dg2).decode()
    return body


def _register(client, chip=None, **kwargs):
    return client.post("/api/v1/control/migracheck", _body(chip, **kwargs), content_type="application/json")


def test_registration_more_than_48h_ahead_is_refused(client, faces, foreign_pki):
    chip = make_chip(td3(number="PZ1234567"), faces.portrait, foreign_pki)
    response = _register(client, chip, hours_ahead=49)
    assert response.status_code == 400 and "flight_at" in response.json()["fields"]


def test_anonymous_registration_without_the_chip_photo_is_refused(client):
    # An anonymous registration with no chip photo could never be tied to the traveller at the gate.
    response = _register(client)
    assert response.status_code == 400 and "dg2" in response.json()["fields"]
    assert not PreRegistration.objects.exists()


def test_gate_uses_the_encoding_prepared_in_advance(client, crossing_points, external_systems, faces, foreign_pki,
                                                    django_capture_on_commit_callbacks):
    from rim.models import Movement

    mrz = td3(number="PZ1234567")
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, chip)
    assert response.status_code == 201 and response.json()["email_confirmation"] == "link_sent"
    prereg = PreRegistration.objects.get()
    assert prereg.status == "READY" and prereg.encoding_sealed
    assert prereg.dg2_sealed is None  # the chip photo is erased once encoded
    # given the traveller entered earlier (a foreigner leaving needs a recorded entry)
    crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                    boarding=Boarding(purpose="TURISMO"), actor="test")
    control_faces.forget_all()  # no cached encoding: only MigraCheck's can serve
    # when they reach the gate with no boarding data at all
    decision = crossing_decide(channel="EGATE", direction="EXIT", crossing_point="AIJCH", mrz_lines=mrz, chip=chip,
                               live_face=faces.same_person, actor="device:GATE-TEST")
    # then the face was compared with the prepared encoding and the flight comes from MigraCheck
    assert decision.decision == "PASS", decision.reasons
    face = next(c for c in decision.checks if c.name == "face")
    assert "MigraCheck" in face.reason
    movement = Movement.objects.get(pk=decision.movement_id)
    assert (movement.flight, movement.destination) == ("AA0918", "Miami")
    prereg.refresh_from_db()
    assert prereg.status == "USED"
    # and reading the sealed encoding is in the traveller's access log
    from auditoria.models import AuditEntry

    read = AuditEntry.objects.get(action="control.preregistration_encoding_read")
    assert read.kind == "read" and read.person_id == movement.person_id and read.purpose


def test_a_registration_by_someone_else_does_not_change_the_travellers_crossing(
        client, crossing_points, external_systems, faces, foreign_pki, django_capture_on_commit_callbacks):
    # given a visitor whose passport number an attacker knows, and the attacker's own chip photo
    victim_mrz = td3(number="PV1234567")
    victim_chip = make_chip(victim_mrz, faces.portrait, foreign_pki)
    attacker_chip = make_chip(td3(number="PV1234567", surname="OTHER", given="PERSON"), faces.other_person,
                              foreign_pki)
    attacker = {"email": "atacante@example.net", "purpose": "TRANSITO", "address_in_peru": "Jr. Falso 123",
                "direction": "ENTRY", "destination": "Tumbes"}
    with django_capture_on_commit_callbacks(execute=True):
        # when the attacker registers the number with a guessed birth date and expiry, and with the
        # right ones but their own chip photo
        wrong_birth = _register(client, attacker_chip, number="PV1234567", birth="1970-01-01", **attacker)
        wrong_photo = _register(client, attacker_chip, number="PV1234567", **attacker)
    assert wrong_birth.status_code == wrong_photo.status_code == 201
    # and even confirms the e-mail of the second one
    for message in mail.outbox:
        token = message.body.split("/migracheck/confirmar/")[1].split("/")[0]
        client.post(f"/control/migracheck/confirmar/{token}/")
    assert PreRegistration.objects.filter(email_confirmed_at__isnull=False).count() == 2
    mail.outbox.clear()
    # and the visitor arrives at the gate with their own chip and face, sending no boarding data
    with django_capture_on_commit_callbacks(execute=True):
        decision = crossing_decide(channel="EGATE", direction="ENTRY", crossing_point="AIJCH", mrz_lines=victim_mrz,
                                   chip=victim_chip, live_face=faces.same_person, actor="device:GATE-TEST")
    # then nothing of the attacker's registrations reached the crossing or the TAM
    assert decision.decision == "PASS", decision.reasons
    crossing = Crossing.objects.get(pk=decision.crossing_id)
    assert crossing.days_granted == 183
    assert crossing.destination == "" and crossing.purpose == ""
    assert crossing.tam.email == "" and crossing.tam.address_in_peru == ""
    assert mail.outbox == []
    assert PreRegistration.objects.filter(status="USED").count() == 0


def test_own_registration_fills_the_crossing_but_its_purpose_does_not_set_the_stay(
        client, crossing_points, external_systems, faces, foreign_pki, django_capture_on_commit_callbacks):
    # given a visitor who registered with their own chip photo, a purpose of transit and an e-mail
    mrz = td3(number="PU1234567")
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, chip, number="PU1234567", direction="ENTRY", purpose="TRANSITO",
                  address_in_peru="Av. Larco 101, Miraflores")
    confirmation = mail.outbox[0]
    mail.outbox.clear()
    # when they reach the gate before confirming the e-mail
    with django_capture_on_commit_callbacks(execute=True):
        decision = crossing_decide(channel="EGATE", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                                   chip=chip, live_face=faces.same_person, actor="device:GATE-TEST")
    crossing = Crossing.objects.get(pk=decision.crossing_id)
    # then the declared address and flight are used, but the stay follows the law (183 days), not the
    # self-declared transit (30), and the unconfirmed address gets no TAM
    assert decision.decision == "PASS", decision.reasons
    assert crossing.flight == "AA0918" and crossing.tam.address_in_peru.startswith("Av. Larco")
    assert crossing.days_granted == 183
    assert crossing.tam.email == "" and mail.outbox == []
    assert "viajero@example.com" in confirmation.to


def test_a_confirmed_email_receives_the_tam(client, crossing_points, external_systems, faces, foreign_pki,
                                            django_capture_on_commit_callbacks):
    mrz = td3(number="PT1234567")
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, chip, number="PT1234567", direction="ENTRY")
    token = mail.outbox[0].body.split("/migracheck/confirmar/")[1].split("/")[0]
    # a GET (a mail scanner following the link) confirms nothing; the traveller's POST does
    client.get(f"/control/migracheck/confirmar/{token}/")
    assert PreRegistration.objects.get().email_confirmed_at is None
    assert client.post(f"/control/migracheck/confirmar/{token}/").status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = crossing_decide(channel="EGATE", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                                   chip=chip, live_face=faces.same_person, actor="device:GATE-TEST")
    assert decision.decision == "PASS", decision.reasons
    assert [m.to for m in mail.outbox] == [["viajero@example.com"]]
    assert mail.outbox[0].attachments[0][0] == f"{decision.tam_number}.pdf"


def test_the_chip_photo_never_reaches_the_broker_or_the_database_in_clear(client, faces, foreign_pki,
                                                                          django_capture_on_commit_callbacks):
    from control.checks import ChipData
    from control.faces import chip_photo
    from outbox.models import OutboxMessage

    chip: ChipData = make_chip(td3(number="PS1234567"), faces.portrait, foreign_pki)
    jpeg = chip_photo(chip.dg2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _register(client, chip, number="PS1234567").status_code == 201
    # then what is to be published holds ids only: no image bytes, base64 or hex of them
    rows = list(OutboxMessage.objects.values("task_name", "kwargs"))
    assert {r["task_name"] for r in rows} == {"control.tasks.preregistration_encode",
                                              "control.tasks.preregistration_confirmation_send"}
    prereg = PreRegistration.objects.get()
    assert all(r["kwargs"] == {"preregistration_id": prereg.pk} for r in rows)
    published = json.dumps(rows)
    for form in (base64.b64encode(jpeg[:64]).decode(), jpeg[:64].hex(), base64.b64encode(chip.dg2[:48]).decode()):
        assert form not in published
    # and the row keeps the photo only sealed
    assert jpeg[:256] not in bytes(prereg.dg2_sealed) and chip.dg2[:256] not in bytes(prereg.dg2_sealed)
    assert callbacks  # published after commit


def test_chip_photo_on_the_broker_is_only_an_id(client, faces, foreign_pki, settings):
    """On the real broker (CI): the message body on Redis carries the registration's id, no image."""
    import redis

    from conftest import skip_or_fail
    from django.db import transaction
    from migraciones.celery import app

    if not settings.CELERY_BROKER_URL:
        skip_or_fail("CELERY_BROKER_URL is not set: no broker to inspect")
    queue = f"migracheck-test-{time.monotonic_ns()}"
    chip = make_chip(td3(number="PR1234567"), faces.portrait, foreign_pki)
    from control.migracheck import preregistration_create

    with transaction.atomic():
        prereg = preregistration_create(
            actor=None, document_number="PR1234567", issuing_state="USA", nationality="USA",
            birth_date=dt.date(1961, 8, 4), expiry_date=EXPIRY, direction="EXIT", flight="AA0918",
            flight_at=timezone.now() + dt.timedelta(hours=3), purpose="TURISMO", dg2=chip.dg2)
    from outbox.models import OutboxMessage

    # (republished to a queue of this test's own, where no worker takes it before it is read)
    message = OutboxMessage.objects.get(task_name="control.tasks.preregistration_encode")
    app.send_task(message.task_name, kwargs=message.kwargs, queue=queue)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        raw = broker.lrange(queue, 0, -1)
        assert len(raw) == 1
        envelope = json.loads(raw[0])
        body = base64.b64decode(envelope["body"])
        args, kwargs, _embed = json.loads(body)
        assert (args, kwargs) == ([], {"preregistration_id": prereg.pk})
        assert base64.b64encode(chip.dg2[:48]) not in raw[0] and chip.dg2[:48] not in body
    finally:
        broker.delete(queue)


def test_oversize_chip_photo_is_413_before_the_body_is_read(client):
    # given a body declaring 5 MB (far over the 1 MB chip photo): refused from its Content-Length
    big = {"dg2": "A" * (5 * 1024 * 1024)}
    response = client.post("/api/v1/control/migracheck", json.dumps(_body(**big)), content_type="application/json")
    assert response.status_code == 413 and "dg2" in response.json()["fields"]
    assert not PreRegistration.objects.exists()


def test_migracheck_page_refuses_an_oversize_file_with_413_naming_the_field(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields = {k: v for k, v in _body().items() if k != "flight_at"}
    fields["flight_at"] = (timezone.localtime() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    # a file a little over 1 MB passes the Content-Length allowance and is stopped while streaming
    streamed = client.post("/control/migracheck/", {**fields, "dg2": SimpleUploadedFile("dg2.bin", b"\0" * (1024 * 1024 + 10))})
    # a file of 3 MB is refused by the Content-Length alone
    declared = client.post("/control/migracheck/", {**fields, "dg2": SimpleUploadedFile("dg2.bin", b"\0" * (3 * 1024 * 1024))})
    for response in (streamed, declared):
        assert response.status_code == 413
        # on the chip photo's own field, in words and megabytes (no byte counts)
        assert response.context["form"].errors["dg2"] == ["La foto del chip no puede pasar de 1 MB. Vuelva a leer el chip con la app."]
        assert 'href="#id_dg2"' in response.content.decode() and "1048576" not in response.content.decode()
    assert not PreRegistration.objects.exists()


def test_migracheck_is_throttled_per_address_whatever_x_forwarded_for_says(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "migracheck_ip": "3/hour"}
    from django.core.cache import cache

    cache.clear()
    codes = [client.post("/api/v1/control/migracheck", _body(number=f"PK{i:07d}"), content_type="application/json",
                         HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(5)]
    assert codes[:3] == [400, 400, 400]  # (no chip photo: refused, but counted)
    assert codes[3:] == [429, 429]
    page = client.post("/control/migracheck/", {"document_number": "X"})
    assert page.status_code == 429


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_prepared_encoding_appears_with_the_real_worker(celery_worker_process, client, faces, foreign_pki):
    """The prefork worker's children are daemonic: the encoding must not need a process pool there."""
    chip = make_chip(td3(number="PW1234568"), faces.portrait, foreign_pki)
    # when a traveller registers over HTTP
    response = _register(client, chip, number="PW1234568", email="")
    assert response.status_code == 201
    # then the real worker prepares the encoding within seconds
    deadline = time.monotonic() + 60
    prereg = PreRegistration.objects.get()
    while prereg.status == "PENDING" and time.monotonic() < deadline:
        time.sleep(0.3)
        prereg.refresh_from_db()
    assert prereg.status == "READY" and prereg.encoding_sealed and prereg.dg2_sealed is None


# --- issue 12, item 11: only a chip photo is accepted as the chip photo --------------------------------

NOT_A_CHIP_PHOTO = ("Este archivo no es la foto del chip. Lea el chip de su pasaporte con la app y suba el "
                    "archivo de la foto (DG2) que la app guardó.")


def _page_fields(**extra) -> dict:
    fields = {k: v for k, v in _body().items() if k != "flight_at"}
    fields["flight_at"] = (timezone.localtime() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    return {**fields, **extra}


@pytest.mark.parametrize("name, content", [
    ("pasaporte.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
    ("dg2.bin", b"\x75\x82\x00\x10" + b"\0" * 16),  # a DG2 tag with nothing readable inside
    ("foto.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
])
def test_migracheck_page_refuses_a_chip_photo_that_is_not_an_image(client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/control/migracheck/", _page_fields(dg2=SimpleUploadedFile(name, content)))
    # then the traveller is told on the photo's field, the other answers kept, and nothing is registered
    assert response.status_code == 200
    assert response.context["form"].errors["dg2"] == [NOT_A_CHIP_PHOTO]
    assert 'href="#id_dg2"' in response.content.decode()
    assert 'value="AA0918"' in response.content.decode()
    assert not PreRegistration.objects.exists()


def test_migracheck_api_refuses_a_chip_photo_that_is_not_an_image(client):
    response = client.post("/api/v1/control/migracheck",
                           _body(dg2=base64.b64encode(b"%PDF-1.7 not a photo").decode()),
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["fields"]["dg2"] == NOT_A_CHIP_PHOTO
    assert not PreRegistration.objects.exists()


def test_migracheck_page_accepts_the_real_chip_photo(client, faces, foreign_pki):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chip = make_chip(td3(number="PZ1234567"), faces.portrait, foreign_pki)
    response = client.post("/control/migracheck/", _page_fields(dg2=SimpleUploadedFile("dg2.bin", chip.dg2)))
    assert response.status_code == 200 and PreRegistration.objects.count() == 1
