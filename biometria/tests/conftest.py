"""Fixtures for biometria: the shared test images, and captures made once per session (detection is slow)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def faces_dir(testdata_dir) -> Path:
    return testdata_dir / "faces"


@pytest.fixture(scope="session")
def fingers_dir(testdata_dir) -> Path:
    return testdata_dir / "fingerprints"


@pytest.fixture(scope="session")
def face_captures(faces_dir):
    """FaceCapture of each single-face photo, computed once."""
    from biometria.engine import capture_face

    names = ("obama.jpg", "obama2.jpg", "biden.jpg", "32bit.png", "ICAO_39794_5_AP_Face.jpg")
    return {name: capture_face((faces_dir / name).read_bytes()) for name in names}


@pytest.fixture(scope="session")
def finger_captures(fingers_dir):
    """FingerCapture of SourceAFIS' probe, its matching and its non-matching image, computed once."""
    from biometria.engine import FingerPosition, capture_finger

    return {
        name: capture_finger((fingers_dir / f"sourceafis_{name}.png").read_bytes(), position=FingerPosition.RIGHT_INDEX)
        for name in ("probe", "matching", "nonmatching")
    }


@pytest.fixture
def gallery_tmp(settings, tmp_path):
    """Each test gets its own empty 1:N gallery."""
    settings.BIOMETRIA_GALLERY_DIR = str(tmp_path / "gallery")
    from biometria.gallery import get_gallery

    return get_gallery()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    """A drawn signature: dark strokes on white, as a signature pad gives."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 120), 255)
    draw = ImageDraw.Draw(image)
    draw.line([(20, 90), (80, 20), (120, 100), (180, 30), (260, 95), (380, 40)], fill=0, width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def make_person(db):
    import datetime as dt

    from rim.services import person_create

    def make(given_names: str = "Ana María", first_surname: str = "Quispe") -> int:
        return person_create(actor=None, given_names=given_names, first_surname=first_surname,
                             birth_date=dt.date(1990, 5, 17), sex="F", nationality="PER").pk

    return make


@pytest.fixture
def office(db):
    from cuentas.models import Office

    return Office.objects.get_or_create(code="LIM-BRE", defaults=dict(name="Sede Breña", address="Av. España 700",
                                                                      city="Lima"))[0]


@pytest.fixture
def other_office(db):
    from cuentas.models import Office

    return Office.objects.get_or_create(code="CUS", defaults=dict(name="Sede Cusco", address="Av. Sol 612",
                                                                  city="Cusco"))[0]


@pytest.fixture
def make_staff(db):
    from django.contrib.auth import get_user_model

    from cuentas.services import user_role_add

    def make(username: str, office, role: str = "officer"):
        user = get_user_model().objects.create_user(username=username, password="x-unused-x", office=office)
        user_role_add(user=user, role=role)
        return user

    return make


@pytest.fixture
def officer(make_staff, office):
    return make_staff("oficial1", office)


@pytest.fixture
def second_officer(make_staff, office):
    """Another officer of the same sede: the second pair of eyes on a replacement."""
    return make_staff("oficial2", office)


@pytest.fixture
def enroll(django_capture_on_commit_callbacks, face_captures, finger_captures, signature_png, officer):
    """Enroll a person with a face photo and fingers, running the after-commit gallery update."""
    from biometria.services import enrollment_create

    def run(person_id: int, face: str, fingers=("probe",), **kwargs):
        from biometria.engine import FingerPosition, MissingFinger, MissingReason

        captured = [finger_captures[name] for name in fingers]
        kwargs.setdefault("document_kind", "PASAPORTE")
        if len(captured) < 2 and "missing_fingers" not in kwargs:
            kwargs["missing_fingers"] = [MissingFinger(FingerPosition(p), MissingReason.AMPUTATED) for p in range(3, 11)] \
                + [MissingFinger(FingerPosition.RIGHT_THUMB, MissingReason.BANDAGED)]
        with django_capture_on_commit_callbacks(execute=True):
            return enrollment_create(actor=officer, person_id=person_id, face=face_captures[face], fingers=captured,
                                     signature_png=signature_png, **kwargs)

    return run
