"""Files already accepted on control's pages are kept after an error on another field: the counter's chip
files and MigraCheck's chip photo are named on the page and used again without choosing them again."""
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from control.models import Check, Crossing, PreRegistration

from .conftest import make_chip, td3
from .test_migracheck import _page_fields
from .test_pages import _counter, officer_client  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _chip_files(chip) -> dict:
    return {"dg1": SimpleUploadedFile("dg1.bin", chip.dg1), "dg2": SimpleUploadedFile("dg2.bin", chip.dg2),
            "sod": SimpleUploadedFile("ef_sod.bin", chip.sod)}


def test_the_chip_files_are_kept_after_an_mrz_typo_and_used_without_choosing_them_again(
        officer_client, crossing_points, external_systems, faces, foreign_pki):
    # given a passport's chip read at the counter and its MRZ typed with a typo
    good = td3(number="PW1234567")
    chip = make_chip(good, faces.portrait, foreign_pki)
    typo = [good[0], good[1].replace("PW1234567", "PW1234S67")]
    refused = unescape(_counter(officer_client, mrz="\n".join(typo), **_chip_files(chip)).content.decode())
    # then the counter refuses on the MRZ and names each chip file it keeps, without sending any back
    assert "La MRZ no cuadra" in refused and not Crossing.objects.exists()
    for name in ("dg1.bin", "dg2.bin", "ef_sod.bin"):
        assert f"Archivo aceptado: {name} — puede cambiarlo" in refused
    assert 'aria-describedby="id_dg1_kept"' in refused
    # when the officer corrects the MRZ and verifies without choosing the files again
    decided = _counter(officer_client, mrz="\n".join(good))
    # then the crossing is decided with the chip: its authentication was checked, not reported missing
    crossing = Crossing.objects.get()
    assert decided.redirect_chain and crossing.document_number == "PW1234567"
    assert Check.objects.get(crossing=crossing, name="passive_authentication").result == "PASS"
    # and the next traveller's counter keeps nothing from this one
    assert "Archivo aceptado" not in officer_client.get("/control/").content.decode()


def test_a_kept_file_can_be_dropped(officer_client, crossing_points, external_systems, faces, foreign_pki):
    good = td3(number="PW1234567")
    chip = make_chip(good, faces.portrait, foreign_pki)
    _counter(officer_client, mrz="\n".join([good[0], good[1].replace("PW1234567", "PW1234S67")]),
             **_chip_files(chip))
    # when the officer ticks "Quitar este archivo" for the chip's DG1
    page = unescape(_counter(officer_client, mrz="\n".join(good), discard_dg1="1").content.decode())
    # then the chip is incomplete without it, and the form says so (the other files still kept)
    assert "Para el chip se necesitan al menos DG1 y EF.SOD." in page and not Crossing.objects.exists()
    assert "Archivo aceptado: dg1.bin" not in page and "Archivo aceptado: ef_sod.bin — puede cambiarlo" in page


def test_migracheck_keeps_the_chip_photo_when_another_answer_fails(client, faces, foreign_pki):
    # given a traveller whose chip photo is good but whose passport number is missing
    chip = make_chip(td3(number="PZ1234567"), faces.portrait, foreign_pki)
    response = client.post("/control/migracheck/", _page_fields(
        document_number="", dg2=SimpleUploadedFile("foto_chip.bin", chip.dg2)))
    page = unescape(response.content.decode())
    # then the page asks for the number and says the photo is kept, without the photo in the page
    assert "Hay un problema" in page and "Archivo aceptado: foto_chip.bin — puede cambiarlo" in page
    assert chip.dg2[:32].hex() not in page
    # when they write the number and send again without choosing the photo
    response = client.post("/control/migracheck/", _page_fields())
    # then the trip is registered with the chip photo
    assert response.status_code == 200 and "Hay un problema" not in response.content.decode()
    assert PreRegistration.objects.count() == 1  # refused without the chip photo when signed out


def test_without_the_cache_nothing_is_said_to_be_kept(officer_client, crossing_points, external_systems, faces,
                                                      foreign_pki, settings):
    # given the cache (Redis) down
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    good = td3(number="PW1234567")
    chip = make_chip(good, faces.portrait, foreign_pki)
    # when the counter refuses an MRZ typo
    page = unescape(_counter(officer_client, mrz="\n".join([good[0], good[1].replace("PW1234567", "PW1234S67")]),
                             **_chip_files(chip)).content.decode())
    # then the refusal is the same, and the page does not claim to keep files it could not keep
    assert "La MRZ no cuadra" in page and "Archivo aceptado" not in page
