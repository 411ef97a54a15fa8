"""Attacks on biometria over HTTP: who may enroll, replacing someone's face, purposes and audit, sedes, images, keys."""
from __future__ import annotations

import json
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from auditoria.models import AuditEntry
from auditoria.selectors import person_access_log
from biometria.models import DuplicateCase, Enrollment, SecureBlob
from cuentas.services import device_register

from .test_apis import _post_json, _post_multipart, b64

pytestmark = [pytest.mark.django_db, pytest.mark.urls("biometria.tests.urls")]
MISSING = json.dumps([{"position": p, "reason": "AMPUTATED"} for p in (1, *range(3, 11))])


# ---- fixtures and helpers -------------------------------------------------------------------
@pytest.fixture
def egate(db):
    """The demo e-gate, whose key and secret the documentation publishes."""
    credential, secret = device_register(key_id="EGATE-DEMO-01", crossing_point="AIJCH", kind="EGATE",
                                         secret="demo-gate-secret-published-in-docs")
    return credential.key_id, secret


@pytest.fixture
def station(office):
    credential, secret = device_register(key_id="ENROL-BRE-01", office=office, kind="ENROLLMENT",
                                         secret="station-bre-secret-for-tests")
    return credential.key_id, secret


@pytest.fixture
def other_station(other_office):
    credential, secret = device_register(key_id="ENROL-CUS-01", office=other_office, kind="ENROLLMENT",
                                         secret="station-cus-secret-for-tests")
    return credential.key_id, secret


def login(client, user):
    """Signed in with the second factor passed (what cuentas' OTP page leaves in the session)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get_or_create(user=user, name="app", defaults={"confirmed": True})[0]
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def officer_token(client, officer, station_key: str) -> str:
    """The officer, on their own page, authorizes the station; the page shows the token."""
    login(client, officer)
    page = client.post(reverse("biometria:station_token"), {"station": station_key})
    assert page.status_code == 200, page.content.decode()[:500]
    found = re.search(r'<pre id="officer-token"[^>]*>([^<]+)</pre>', page.content.decode())
    assert found, "the page shows no token"
    client.logout()
    return found.group(1).strip()


def enroll_files(person_id: int, token: str, faces_dir, fingers_dir, signature_png, face: str = "obama.jpg") -> dict:
    return {
        "person_id": str(person_id), "document_kind": "PASAPORTE", "officer_token": token,
        "face": SimpleUploadedFile("f.jpg", (faces_dir / face).read_bytes()),
        "finger_2": SimpleUploadedFile("p.png", (fingers_dir / "sourceafis_probe.png").read_bytes()),
        "missing_fingers": MISSING, "signature": SimpleUploadedFile("s.png", signature_png),
    }


# ---- item 1: who may enroll ------------------------------------------------------------------
def test_the_published_egate_key_cannot_enroll_anyone(client, egate, make_person, faces_dir, fingers_dir,
                                                      signature_png, gallery_tmp):
    # Given the demo e-gate's published credentials and a person
    person = make_person()
    # When the e-gate key posts an enrollment for that person
    files = enroll_files(person, "any", faces_dir, fingers_dir, signature_png)
    response = _post_multipart(client, egate, "enroll", files)
    # Then it is refused and nothing is stored
    assert response.status_code == 403
    assert not Enrollment.objects.exists() and not SecureBlob.objects.exists()


def test_an_enrollment_station_of_another_sede_is_refused(client, station, other_station, officer, make_person,
                                                          faces_dir, fingers_dir, signature_png, gallery_tmp):
    # Given an officer of Breña who authorized Breña's station
    token = officer_token(client, officer, station[0])
    # When Cusco's station presents that token
    response = _post_multipart(client, other_station, "enroll",
                               enroll_files(make_person(), token, faces_dir, fingers_dir, signature_png))
    # Then it is refused naming the token, and nothing is stored
    assert response.status_code == 403 and "officer_token" in response.json()["fields"]
    assert not Enrollment.objects.exists()
    # And the officer cannot authorize another sede's station either
    login(client, officer)
    page = client.post(reverse("biometria:station_token"), {"station": other_station[0]})
    assert page.status_code == 404 and 'id="officer-token"' not in page.content.decode()


def test_a_station_without_an_officer_token_or_with_a_forged_one_is_refused(
        client, station, make_person, faces_dir, fingers_dir, signature_png, gallery_tmp):
    from django.core import signing

    person = make_person()
    forged = signing.dumps({"u": 1, "d": station[0]}, key="not-the-server-key", salt="biometria.station-officer")
    for token in ("", forged):
        response = _post_multipart(client, station, "enroll",
                                   enroll_files(person, token, faces_dir, fingers_dir, signature_png))
        assert response.status_code in (400, 403) and "officer_token" in response.json()["fields"]
    assert not Enrollment.objects.exists()


def test_an_expired_officer_token_is_refused(client, station, officer, make_person, faces_dir, fingers_dir,
                                             signature_png, settings, gallery_tmp):
    token = officer_token(client, officer, station[0])
    settings.BIOMETRIA_OFFICER_TOKEN_TTL_S = -1  # any token is now older than its lifetime
    response = _post_multipart(client, station, "enroll",
                               enroll_files(make_person(), token, faces_dir, fingers_dir, signature_png))
    assert response.status_code == 403 and "caducado" in response.json()["fields"]["officer_token"]


def test_a_second_enrollment_waits_for_review_and_the_first_face_stays_the_one_verified(
        client, station, egate, officer, second_officer, make_person, faces_dir, fingers_dir, signature_png,
        gallery_tmp, django_capture_on_commit_callbacks):
    # Given a person enrolled through Breña's station for an officer of Breña
    person = make_person()
    token = officer_token(client, officer, station[0])
    with django_capture_on_commit_callbacks(execute=True):
        first = _post_multipart(client, station, "enroll",
                                enroll_files(person, token, faces_dir, fingers_dir, signature_png))
    assert first.status_code == 201 and first.json()["status"] == "ACTIVE"
    enrolled = Enrollment.objects.get(pk=first.json()["enrollment_id"])
    assert enrolled.created_by == officer and enrolled.device_key_id == station[0]
    # When someone enrolls another face for the same person
    with django_capture_on_commit_callbacks(execute=True):
        second = _post_multipart(client, station, "enroll",
                                 enroll_files(person, token, faces_dir, fingers_dir, signature_png, face="biden.jpg"))
    # Then it waits for review, and the first enrollment stays in force
    assert second.status_code == 201, second.content
    assert second.json()["status"] == "PENDING_REVIEW" and second.json()["duplicate_case_id"]
    case = DuplicateCase.objects.get(pk=second.json()["duplicate_case_id"])
    assert case.kind == "REPLACEMENT" and case.matched_enrollment_id == enrolled.pk
    assert Enrollment.objects.get(pk=enrolled.pk).status == "ACTIVE"
    # And a gate still verifies the first face and refuses the second
    own = _post_json(client, egate, "verify", {"mode": "face_person", "person_id": person,
                                               "purpose": "CONTROL_MIGRATORIO", "face": b64(faces_dir / "obama2.jpg")})
    other = _post_json(client, egate, "verify", {"mode": "face_person", "person_id": person,
                                                 "purpose": "CONTROL_MIGRATORIO", "face": b64(faces_dir / "biden.jpg")})
    assert own.json()["decision"] is True and other.json()["decision"] is False
    # When the officer who captured it tries to approve it on the case page, it is refused
    login(client, officer)
    url = reverse("biometria:case_detail", args=[case.pk])
    page = client.post(url, {"decision": "approve", "reason": "yo mismo"})
    assert page.status_code == 403 and "Otro servidor" in page.content.decode()
    # And another officer of the sede refuses it: the first face stays
    login(client, second_officer)
    assert client.post(url, {"decision": "refuse", "reason": "el rostro no es el de RENIEC"}).status_code == 302
    assert Enrollment.objects.get(pk=case.enrollment_id).status == "REJECTED"
    assert Enrollment.objects.get(pk=enrolled.pk).status == "ACTIVE"


# ---- item 1: purposes and the audit of verify and identify ------------------------------------
def test_identify_with_a_free_text_purpose_is_a_400_naming_the_field(client, egate, faces_dir, gallery_tmp):
    response = _post_json(client, egate, "identify", {"face": b64(faces_dir / "obama2.jpg"),
                                                      "purpose": "curiosidad del operador"})
    assert response.status_code == 400 and "purpose" in response.json()["fields"]
    missing = _post_json(client, egate, "identify", {"face": b64(faces_dir / "obama2.jpg")})
    assert missing.status_code == 400 and "purpose" in missing.json()["fields"]


def test_every_candidate_of_an_identification_sees_it_in_who_looked_at_my_data(
        client, egate, enroll, make_person, faces_dir, gallery_tmp):
    # Given a person enrolled
    barack = make_person("Barack")
    enroll(barack, "obama.jpg")
    # When a gate identifies a face
    response = _post_json(client, egate, "identify", {"face": b64(faces_dir / "obama2.jpg"),
                                                      "purpose": "PERSONA_SIN_DOCUMENTO"})
    assert response.status_code == 200 and response.json()["candidates"][0]["person_id"] == barack
    # Then the person returned finds the search, with the gate and the stated purpose
    log = list(person_access_log(person_id=barack).filter(action="biometria.identify_candidate"))
    assert len(log) == 1
    assert log[0].actor_repr == "device-EGATE-DEMO-01"
    assert log[0].purpose == "identificación de una persona sin documento"


def test_a_verification_is_on_the_persons_access_log_with_its_purpose(client, egate, enroll, make_person, faces_dir,
                                                                      gallery_tmp):
    person = make_person()
    enroll(person, "obama.jpg")
    response = _post_json(client, egate, "verify", {"mode": "face_person", "person_id": person,
                                                    "purpose": "CONTROL_MIGRATORIO",
                                                    "face": b64(faces_dir / "obama2.jpg")})
    assert response.status_code == 200
    assert person_access_log(person_id=person).filter(purpose="control migratorio de un viajero").exists()
    free = _post_json(client, egate, "verify", {"mode": "face_person", "person_id": person, "purpose": "porque sí",
                                                "face": b64(faces_dir / "obama2.jpg")})
    assert free.status_code == 400 and "purpose" in free.json()["fields"]


# ---- items 3 and 13: pages audited and scoped to the officer's sede ----------------------------
def test_the_enrollment_and_case_pages_write_a_read_entry_for_each_person_shown(
        client, enroll, make_person, officer, gallery_tmp):
    barack, other = make_person("Barack"), make_person("Otro")
    first = enroll(barack, "obama.jpg").enrollment
    case = enroll(other, "obama2.jpg").duplicate_case
    login(client, officer)
    assert client.get(reverse("biometria:enrollment_detail", args=[first.pk])).status_code == 200
    assert client.get(reverse("biometria:case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("biometria:case_list")).status_code == 200
    for person, action in ((barack, "biometria.page.enrollment"), (barack, "biometria.page.case"),
                           (other, "biometria.page.case"), (other, "biometria.page.case_list")):
        entry = person_access_log(person_id=person).filter(action=action).first()
        assert entry is not None, (person, action)
        assert entry.actor_repr == "oficial1" and entry.purpose


def test_another_sedes_officer_sees_no_case_enrollment_or_portrait_and_cannot_decide(
        client, enroll, make_person, make_staff, other_office, gallery_tmp):
    enroll(make_person("Barack"), "obama.jpg")
    case = enroll(make_person("Otro"), "obama2.jpg").duplicate_case
    outsider = make_staff("oficial.cusco", other_office)
    login(client, outsider)
    assert client.get(reverse("biometria:case_detail", args=[case.pk])).status_code == 404
    assert client.post(reverse("biometria:case_detail", args=[case.pk]),
                       {"decision": "different", "reason": "x"}).status_code == 404
    assert client.get(reverse("biometria:enrollment_detail", args=[case.enrollment_id])).status_code == 404
    assert client.get(reverse("biometria:portrait", args=[case.matched_enrollment_id])).status_code == 404
    assert "Otro" not in client.get(reverse("biometria:case_list")).content.decode()
    assert DuplicateCase.objects.get(pk=case.pk).status == "OPEN"
    assert not AuditEntry.objects.filter(actor_repr="oficial.cusco", action="biometria.read.portrait").exists()


def test_staff_without_a_sede_are_refused(client, make_staff, make_person):
    nowhere = make_staff("oficial.sin.sede", None)
    login(client, nowhere)
    assert client.get(reverse("biometria:capture")).status_code == 403
    assert client.get(reverse("biometria:case_list")).status_code == 403
    assert client.post(reverse("biometria:station_token"), {"station": "ENROL-BRE-01"}).status_code == 403


# ---- item 8: images --------------------------------------------------------------------------
def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """A valid 9000 x 9000 RGBA PNG of zeros: about 320 KB on disk, 324 MB once decoded."""
    width = height = 9000
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 4 * width)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def _peak_rss_reset() -> None:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # resets VmHWM, the peak resident size, to the current size


def _kb(field: str) -> int:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith(field + ":"))


def test_a_decompression_bomb_is_refused_from_its_header_without_the_memory(client, egate, bomb_png, faces_dir):
    # Given a small PNG whose header claims 81 million pixels
    assert len(bomb_png) < 400_000
    _peak_rss_reset()
    before = _kb("VmRSS")
    # When a device sends it as the live face
    response = _post_json(client, egate, "verify", {"mode": "face_document", "purpose": "CONTROL_MIGRATORIO",
                                                    "face": b64_bytes(bomb_png),
                                                    "document_face": b64(faces_dir / "obama.jpg")})
    peak_growth_mb = (_kb("VmHWM") - before) / 1024
    # Then it is a 413 naming the field and the size, and it never cost the decoded size in memory
    assert response.status_code == 413, response.content
    assert "9000x9000" in response.json()["fields"]["face"]
    assert peak_growth_mb < 60, f"peak memory grew by {peak_growth_mb:.0f} MB"


def test_a_truncated_jpeg_is_refused_even_when_a_dependency_allows_truncated_images(
        client, egate, faces_dir, monkeypatch):
    from PIL import ImageFile

    # Given the process-wide flag switched on again (as a dependency does at import)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    half = (faces_dir / "obama2.jpg").read_bytes()
    half = half[: len(half) // 2]
    # When a device sends half a JPEG as the live face
    response = _post_json(client, egate, "verify", {"mode": "face_document", "purpose": "CONTROL_MIGRATORIO",
                                                    "face": b64_bytes(half),
                                                    "document_face": b64(faces_dir / "obama.jpg")})
    # Then it is refused as a damaged image naming the field, never matched
    assert response.status_code == 400 and response.json()["error"] == "image_corrupt"
    assert "face" in response.json()["fields"]


def test_the_process_starts_with_truncated_images_refused_though_face_recognition_allows_them():
    import subprocess
    import sys

    from django.conf import settings

    # A fresh process: django.setup() loads biometria, whose engine imports face_recognition (which
    # switches the flag on at import); the app's ready() must have switched it off again.
    code = ("import django; django.setup(); import face_recognition; from PIL import ImageFile; "
            "print(ImageFile.LOAD_TRUNCATED_IMAGES)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=settings.BASE_DIR, env={**__import__("os").environ,
                                                     "DJANGO_SETTINGS_MODULE": "migraciones.settings"})
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr[-2000:]


def b64_bytes(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


# ---- item 14: gallery files and re-keying -----------------------------------------------------
def test_the_gallery_is_readable_only_by_the_service(enroll, make_person, gallery_tmp):
    import os
    import stat

    enroll(make_person(), "obama.jpg")
    gallery_tmp.build_ann()
    assert stat.S_IMODE(os.stat(gallery_tmp.directory).st_mode) == 0o700
    files = list(gallery_tmp.directory.iterdir())
    assert {p.name for p in files} >= {"vectors.f32", "ids.i64", "ann.bin", "ann.json"}
    for path in files:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name


def test_the_rekey_command_moves_every_blob_to_the_new_key_in_resumable_batches(
        enroll, make_person, face_captures, officer, settings, gallery_tmp):
    from django.core.management import call_command

    from biometria import selectors

    # Given enrollments sealed with the old key
    enrolled = [enroll(make_person(name), face).enrollment for name, face in (("Ana", "obama.jpg"),
                                                                             ("Rosa", "biden.jpg"))]
    old_key = settings.BIOMETRIA_KEYS
    total = SecureBlob.objects.count()
    assert total >= 8 and set(SecureBlob.objects.values_list("key_id", flat=True)) == {"dev1"}
    # When a new key is put first and the command stops after one batch of three
    settings.BIOMETRIA_KEYS = "k2:bmV3LWtleS1mb3Itcm90YXRpb24tMzItYnl0ZXMhIQ==," + old_key
    out = __import__("io").StringIO()
    call_command("biometria_rekey", "--batch", "3", "--max-batches", "1", stdout=out)
    assert SecureBlob.objects.filter(key_id="k2").count() == 3 and "3 recifrados" in out.getvalue()
    # And is run again to the end
    out = __import__("io").StringIO()
    call_command("biometria_rekey", "--batch", "3", stdout=out)
    # Then no row uses the old key, the counts are reported, and each batch is audited
    assert not SecureBlob.objects.exclude(key_id="k2").exists()
    report = out.getvalue()
    assert f"{total - 3} recifrados (dev1: {total - 3})" in report and "pendientes con otra clave: 0" in report
    assert AuditEntry.objects.filter(action="biometria.rekey_batch").count() == -(-total // 3)
    # And with the old key retired, everything still decrypts
    settings.BIOMETRIA_KEYS = "k2:bmV3LWtleS1mb3Itcm90YXRpb24tMzItYnl0ZXMhIQ=="
    portrait = selectors.enrollment_portrait(actor=officer, enrollment=Enrollment.objects.get(pk=enrolled[0].pk),
                                             purpose="prueba de rotación")
    assert portrait == face_captures["obama.jpg"].portrait_jpeg
