"""Fixtures for control: the portal's test PKI, personalized chips, live faces made once per session."""
from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def control_pki(tmp_path_factory):
    """The portal's PKI (Peru), with a United States CSCA added to its trusted master lists."""
    from mrtd.pki import init_test_pki

    return init_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def foreign_pki(control_pki, tmp_path_factory):
    """A United States CSCA and Document Signer, trusted by the portal (as if from the ICAO master list)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from mrtd.pki import init_test_pki

    pki = init_test_pki(tmp_path_factory.mktemp("pki_us"), country="US")
    anchors = control_pki.directory / "masterlists"
    anchors.mkdir(exist_ok=True)
    pem = x509.load_der_x509_certificate(pki.csca_cert_der).public_bytes(serialization.Encoding.PEM)
    (anchors / "us.pem").write_bytes(pem)
    return pki


@pytest.fixture(autouse=True)
def _portal_pki(settings, control_pki):
    """Every test trusts the session's test CSCA, and the seal is signed by its Document Signer."""
    from control import trust

    settings.MRTD_PKI_DIR = control_pki.directory
    trust.reset_cache()
    yield
    trust.reset_cache()


def live_crop(path: Path, height: int = 240) -> bytes:
    """A live capture as a gate camera sends it: the photo scaled to 240 px high, as JPEG."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    scale = height / image.height
    small = image.resize((round(image.width * scale), height))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=90)
    return out.getvalue()


@dataclass(frozen=True)
class Faces:
    portrait: bytes  # Obama's ICAO portrait, as personalization puts it in DG2
    same_person: bytes  # another photo of Obama, 240p
    other_person: bytes  # Biden, 240p


@pytest.fixture(scope="session")
def faces(testdata_dir) -> Faces:
    from biometria.engine import capture_face

    folder = testdata_dir / "faces"
    portrait = capture_face((folder / "obama.jpg").read_bytes()).portrait_jpeg
    return Faces(portrait, live_crop(folder / "obama2.jpg"), live_crop(folder / "biden.jpg"))


def td3(*, number: str = "PA1234567", state: str = "USA", nationality: str | None = None,
        surname: str = "OBAMA", given: str = "BARACK HUSSEIN", birth: dt.date = dt.date(1961, 8, 4),
        expiry: dt.date | None = None, sex: str = "M", optional: str = "") -> list[str]:
    from mrtd.mrz import generate_td3

    return generate_td3(
        issuing_state=state, primary_identifier=surname, secondary_identifier=given, document_number=number,
        nationality=nationality or state, birth_date=birth, sex=sex,
        expiry_date=expiry or dt.date.today() + dt.timedelta(days=3 * 365), optional_data=optional,
    )


def data_page_photo(lines: list[str]):
    """A PNG of a passport's data page with these MRZ lines printed in a monospace font."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 28)
    image = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 560 + i * 45), line, font=font, fill="black")
    photo = io.BytesIO()
    image.save(photo, "PNG")
    photo.seek(0)
    photo.name = "pagina.png"
    return photo


def make_chip(mrz: list[str], face: bytes, pki):
    from control.checks import ChipData
    from mrtd.personalize import personalize

    files = personalize(mrz_lines=mrz, face_image=face, pki=pki)
    return ChipData(dg1=files["DG1"], dg2=files["DG2"], sod=files["EF_SOD"])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@pytest.fixture
def crossing_points(db):
    from rim.demo import seed_crossing_points

    return seed_crossing_points()
