"""The device API on a bad day and on tablets: a broker outage after the decision, a retried request,
a tablet without an officer, and the same passport used twice."""
import json
import threading
import time

import pytest
from rest_framework.test import APIClient

from control.models import Crossing
from control.tests.conftest import b64, make_chip, td3
from egates.client import GateCredentials, signed_headers

from .conftest import GATE_KEY, GATE_SECRET

PATH = "/api/v1/egates/verifications"
SESSION_PATH = "/api/v1/egates/officer-session"
GATE = GateCredentials(GATE_KEY, GATE_SECRET)
TABLET = GateCredentials("TABLET-TEST-01", "test-tablet-secret-0123456789abcdef01234567")
GATE_CFSR = GateCredentials("GATE-CFSR-01", "test-gate-cfsr-secret-0123456789abcdef0123")


def _post(creds: GateCredentials, body, *, path: str = PATH, extra: dict | None = None, method: str = "POST"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {**signed_headers(creds, method, path, raw), **(extra or {})}
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
    return APIClient().generic(method, path, raw, content_type="application/json", **meta)


def _traveller(faces, foreign_pki, number: str, **boarding) -> dict:
    mrz = td3(number=number)
    chip = make_chip(mrz, faces.portrait, foreign_pki)
    return {"direction": "ENTRY", "mrz": mrz, "live_face": b64(faces.same_person),
            "chip": {"dg1": b64(chip.dg1), "dg2": b64(chip.dg2), "sod": b64(chip.sod)},
            "boarding": {"flight": "LA2047", "origin": "Miami", **boarding}}


def _device(key: GateCredentials, kind: str, point: str):
    from cuentas.services import device_register

    return device_register(key_id=key.key_id, secret=key.secret, crossing_point=point, kind=kind, actor="test")[0]


def _officer(django_user_model, username: str, point: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from control.services import officer_post_assign
    from cuentas.services import user_role_add

    user = django_user_model.objects.create_user(username=username, password="x-Secreta-2026")
    user_role_add(user=user, role="officer")
    officer_post_assign(actor="test", user=user, crossing_point=point)
    return user, TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _otp(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_after_the_decision_neither_fails_the_gate_nor_duplicates_the_crossing(
        gate, external_systems, faces, foreign_pki, broker_outage, settings):
    from conftest import skip_or_fail
    from migraciones.celery import app
    from outbox.models import OutboxMessage
    from rim.models import Movement
    from tam.models import Tam

    if not settings.CELERY_BROKER_URL:
        skip_or_fail("CELERY_BROKER_URL is not set: no broker to lose")
    app.conf.task_always_eager = False  # the web side publishes to the (unreachable) broker
    # given a traveller whose TAM is to be e-mailed, at a gate whose server cannot reach the broker
    body = json.dumps(_traveller(faces, foreign_pki, "PO1234567", email="viajero@example.com")).encode()
    key = {"Idempotency-Key": "outage-0001"}
    # when the gate sends the verification, and then retries it with the same key (its answer was slow)
    first = _post(GATE, body, extra=key)
    retry = _post(GATE, body, extra=key)
    # then the gate got its decision, not a 500, and the retry the same transaction and TAM
    assert first.status_code == 200, first.content
    assert first.json()["decision"] == "PASS", first.json()["reasons"]
    assert retry.status_code == 200 and retry.headers["Idempotent-Replay"] == "true"
    assert retry.json()["transaction_id"] == first.json()["transaction_id"]
    assert retry.json()["tam_number"] == first.json()["tam_number"]
    # and one crossing, one movement and one TAM exist; the e-mail waits in the outbox, not lost
    assert Crossing.objects.count() == Movement.objects.count() == Tam.objects.count() == 1
    pending = OutboxMessage.objects.get(task_name="tam.tasks.tam_email_send")
    assert pending.sent_at is None and pending.kwargs == {"tam_id": Tam.objects.get().pk}


@pytest.mark.django_db
def test_a_retry_after_the_first_request_died_mid_decision_decides(gate, external_systems):
    """A key left "in progress" by a request that died before committing is taken over after a minute."""
    import datetime as dt

    from egates.models import IdempotencyRecord

    body = json.dumps({"direction": "ENTRY", "mrz": td3(number="PQ2234567")}).encode()
    from egates.services import body_digest

    IdempotencyRecord.objects.create(device_key=GATE_KEY, key="died-0001", request_sha256=body_digest(body))
    IdempotencyRecord.objects.update(created_at=IdempotencyRecord.objects.get().created_at - dt.timedelta(minutes=2))
    response = _post(GATE, body, extra={"Idempotency-Key": "died-0001"})
    assert response.status_code == 200 and Crossing.objects.count() == 1
    again = _post(GATE, body, extra={"Idempotency-Key": "died-0001"})
    assert again.json()["transaction_id"] == response.json()["transaction_id"]


@pytest.mark.django_db
def test_a_tablet_decides_only_for_a_signed_in_officer_and_never_on_the_mrz_alone(
        crossing_points, external_systems, django_user_model):
    _device(TABLET, "MOBILE", "AIJCH")
    officer, totp = _officer(django_user_model, "oficial.tableta", "AIJCH")
    mrz_only = {"direction": "ENTRY", "mrz": td3(number="PM1234567"), "boarding": {"flight": "LA2047"}}
    # when the tablet sends a verification with no officer signed in
    anonymous = _post(TABLET, mrz_only)
    # then it is refused and nothing is recorded
    assert anonymous.status_code == 403 and "X-Officer-Session" in anonymous.json()["fields"]
    assert not Crossing.objects.exists()
    # when a wrong code is given, the officer is not signed in
    wrong = _post(TABLET, {"username": "oficial.tableta", "password": "x-Secreta-2026", "otp": "000000"},
                  path=SESSION_PATH)
    assert wrong.status_code == 403
    time.sleep(1.1)  # django-otp's throttle: after a wrong code, the next try waits a second
    # when the officer signs in on the tablet with password and TOTP
    signed_in = _post(TABLET, {"username": "oficial.tableta", "password": "x-Secreta-2026", "otp": _otp(totp)},
                      path=SESSION_PATH)
    assert signed_in.status_code == 201, signed_in.content
    session = {"X-Officer-Session": signed_in.json()["officer_session"]}
    # and the tablet decides on the printed MRZ alone
    answer = _post(TABLET, mrz_only, extra=session).json()
    # then the traveller is referred for lack of the chip or the face, in the officer's name
    assert answer["decision"] == "REFER"
    assert any(r.startswith("identity_evidence") for r in answer["reasons"])
    crossing = Crossing.objects.get()
    assert crossing.channel == "MOBILE" and crossing.actor_repr == "oficial.tableta"
    # and after signing out the tablet can decide nothing more
    assert _post(TABLET, b"", path=SESSION_PATH, method="DELETE", extra=session).json() == {"ended": True}
    assert _post(TABLET, mrz_only, extra=session).status_code == 403


@pytest.mark.django_db
def test_an_officer_of_another_crossing_point_cannot_sign_in_on_the_tablet(crossing_points, django_user_model):
    _device(TABLET, "MOBILE", "AIJCH")
    _officer_user, totp = _officer(django_user_model, "oficial.tacna", "CFSR")
    response = _post(TABLET, {"username": "oficial.tacna", "password": "x-Secreta-2026", "otp": _otp(totp)},
                     path=SESSION_PATH)
    assert response.status_code == 403 and "officer" in response.json()["fields"]


@pytest.mark.django_db
def test_an_entry_after_an_entry_is_referred_with_the_reason(gate, external_systems, faces, foreign_pki):
    _device(GATE_CFSR, "EGATE", "CFSR")
    body = _traveller(faces, foreign_pki, "PE1234567")
    # given the traveller entered at Jorge Chávez
    assert _post(GATE, body).json()["decision"] == "PASS"
    # when the same passport is presented for entry at the Santa Rosa border
    second = _post(GATE_CFSR, body).json()
    # then the second entry is referred, saying where and when the first one was
    assert second["decision"] == "REFER"
    reason = next(r for r in second["reasons"] if r.startswith("direction_sequence"))
    assert "AIJCH" in reason and "ingreso" in reason
    assert Crossing.objects.filter(decision="PASS").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_passport_at_two_gates_in_the_same_second_is_admitted_once(gate, external_systems, faces,
                                                                            foreign_pki):
    from django.db import connection

    from conftest import skip_or_fail

    if connection.vendor != "postgresql":
        skip_or_fail("concurrent admissions need PostgreSQL (SQLite runs one writer at a time)")
    _device(GATE_CFSR, "EGATE", "CFSR")
    body = json.dumps(_traveller(faces, foreign_pki, "PF1234567")).encode()
    barrier, answers = threading.Barrier(2), {}

    def send(creds):
        barrier.wait()
        try:
            answers[creds.key_id] = _post(creds, body).json()
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in (GATE, GATE_CFSR)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    decisions = sorted(a["decision"] for a in answers.values())
    assert decisions == ["PASS", "REFER"], answers
    referred = next(a for a in answers.values() if a["decision"] == "REFER")
    assert any(r.startswith("direction_sequence") for r in referred["reasons"])
