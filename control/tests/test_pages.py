"""Officer pages: the counter (MRZ typed or from a photo), the referral queue and the officer's review."""
import io

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from control.models import Crossing
from cuentas.services import user_role_add

from .conftest import td3

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, django_user_model):
    officer = django_user_model.objects.create_user(username="oficial.ventanilla", password="x-Secreta-2026")
    user_role_add(user=officer, role="officer")
    client.force_login(officer)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=officer, name="t", confirmed=True).persistent_id
    session.save()
    return client


def _counter(client, **fields):
    data = {"direction": "ENTRY", "crossing_point": "AIJCH", "purpose": "TURISMO", "flight": "LA2047", **fields}
    return client.post("/control/", data, follow=True)


def test_counter_with_typed_mrz_shows_every_check(officer_client, crossing_points, external_systems):
    page = _counter(officer_client, mrz="\n".join(td3(number="PW1234567"))).content.decode()
    assert "APROBADO" in page
    for name in ("document_validity", "passive_authentication", "alerts_pnp", "alerts_interpol_sltd", "permitted_stay"):
        assert name in page
    assert "TAM" in page


def test_counter_reads_the_mrz_from_a_photo(officer_client, crossing_points, external_systems):
    from PIL import Image, ImageDraw, ImageFont

    # given a photo of a data page (the MRZ printed in a monospace font)
    lines = td3(number="PX1234567", surname="SMITH", given="JOHN")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 28)
    image = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 560 + i * 45), line, font=font, fill="black")
    photo = io.BytesIO()
    image.save(photo, "PNG")
    photo.seek(0)
    photo.name = "pagina.png"
    page = _counter(officer_client, mrz_photo=photo).content.decode()
    # then the crossing is decided for the document in the photo
    assert Crossing.objects.get().document_number == "PX1234567"
    assert "SMITH" in page


def test_referred_traveller_appears_on_the_queue_and_is_admitted(officer_client, crossing_points, external_systems):
    _counter(officer_client, mrz="\n".join(td3(number="PY1234999")))
    crossing = Crossing.objects.get()
    queue = officer_client.get("/control/cola/").content.decode()
    assert "PY1234999" in queue and "alerts_interpol_sltd" in queue
    officer_client.post(f"/control/controles/{crossing.pk}/revision", {"admit": "1", "reason": "Falso positivo SLTD"})
    crossing.refresh_from_db()
    assert crossing.review == "ADMITTED" and crossing.movement_id
    assert "PY1234999" not in officer_client.get("/control/cola/").content.decode()


def test_pages_refuse_citizens(client, django_user_model):
    citizen = django_user_model.objects.create_user(username="70000001", password="x-Secreta-2026")
    user_role_add(user=citizen, role="citizen")
    client.force_login(citizen)
    assert client.get("/control/cola/").status_code == 403
