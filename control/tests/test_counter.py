"""The counter as an officer uses it: an MRZ typo is shown to correct before anything is recorded,
the review's decision is the officer's own choice, and reasons are shown in words in their language."""
import re
from html import unescape

import pytest

from auditoria.models import AuditEntry
from control.models import Check, Crossing
from rim.models import Movement

from .conftest import data_page_photo, td3
from .test_pages import _counter, officer_client  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _nothing_recorded() -> None:
    assert not Crossing.objects.exists() and not Check.objects.exists() and not Movement.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="control.crossing").exists()


def _mrz_field(page: str) -> str:
    return unescape(re.search(r'<textarea name="mrz"[^>]*>(.*?)</textarea>', page, re.S).group(1)).strip()


def _fix_button(page: str) -> str:
    return unescape(re.search(r'<button[^>]*name="mrz_fix" value="([^"]*)"', page, re.S).group(1))


def test_a_typo_in_the_number_is_shown_to_correct_with_the_field_and_the_fix_and_nothing_is_recorded(
        officer_client, crossing_points, external_systems):
    # given a passport whose number the officer typed with an S for the 5
    good = td3(number="PW1234567")
    typo = [good[0], good[1].replace("PW1234567", "PW1234S67")]
    entries_before = AuditEntry.objects.count()
    # when they verify it
    response = _counter(officer_client, mrz="\n".join(typo))
    page = unescape(response.content.decode())
    # then the counter refuses on the MRZ field, naming the field in words and the likely fix
    assert response.status_code == 200 and response.redirect_chain == []
    assert "Hay un problema" in page and "<title>Error:" in page
    assert "La MRZ no cuadra en: número de documento (dígito de control), dígito de control compuesto." in page
    assert "En número de documento se leyó PW1234S679, probablemente es PW12345679." in page
    assert _fix_button(page) == "\n".join(good)
    # what was typed stays in the field for the officer to correct
    assert _mrz_field(page) == "\n".join(typo)
    # and nothing was decided, referred, queued or audited as a crossing
    _nothing_recorded()
    assert AuditEntry.objects.count() == entries_before
    assert "PW1234" not in officer_client.get("/control/cola/").content.decode()


def test_using_the_fix_puts_it_in_the_form_deciding_nothing_and_then_deciding_works(
        officer_client, crossing_points, external_systems):
    good = td3(number="PW1234567")
    typo = [good[0], good[1].replace("PW1234567", "PW1234S67")]
    refused = unescape(_counter(officer_client, mrz="\n".join(typo), flight="LA2048").content.decode())
    # when the officer presses "use this correction"
    fixed = _counter(officer_client, mrz="\n".join(typo), flight="LA2048", mrz_fix=_fix_button(refused))
    page = fixed.content.decode()
    # then the form comes back with the corrected MRZ and the other answers kept, and nothing is recorded
    assert fixed.status_code == 200 and _mrz_field(page) == "\n".join(good)
    assert 'value="LA2048"' in page and "aún no se registró nada" in page and "Hay un problema" not in page
    _nothing_recorded()
    # when they check it against the passport and verify
    decided = _counter(officer_client, mrz=_mrz_field(page), flight="LA2048")
    # then the crossing is decided for the right number
    crossing = Crossing.objects.get()
    assert decided.redirect_chain and crossing.document_number == "PW1234567" and crossing.decision == "PASS"
    assert "APROBADO" in decided.content.decode()


def test_a_typo_without_an_ocr_fix_names_the_field_and_offers_no_button(officer_client, crossing_points,
                                                                         external_systems):
    good = td3(number="PW1234567")
    typo = [good[0], good[1][:13] + "610805" + good[1][19:]]  # birth date 04 typed as 05
    page = unescape(_counter(officer_client, mrz="\n".join(typo)).content.decode())
    assert "La MRZ no cuadra en: fecha de nacimiento (dígito de control), dígito de control compuesto." in page
    assert 'name="mrz_fix"' not in page
    _nothing_recorded()


def test_an_mrz_printed_so_is_recorded_when_the_officer_says_so_and_referred(officer_client, crossing_points,
                                                                             external_systems):
    good = td3(number="PW1234567")
    misprinted = [good[0], good[1][:13] + "610805" + good[1][19:]]
    _counter(officer_client, mrz="\n".join(misprinted), mrz_as_printed="on")
    crossing = Crossing.objects.get()
    assert crossing.decision == "REFER"
    assert any(line.startswith("Validez del documento: fecha de nacimiento: dígito de control incorrecto")
               for line in crossing.reason_lines)


def test_a_photo_whose_mrz_fails_its_digits_puts_the_text_read_in_the_mrz_field(officer_client, crossing_points,
                                                                               external_systems):
    # given a photo of a data page whose number reads with an S where the check digit wants a 5
    good = td3(number="PX1234567", surname="SMITH", given="JOHN")
    read_as = [good[0], good[1].replace("PX1234567", "PX1234S67")]
    page = unescape(_counter(officer_client, mrz_photo=data_page_photo(read_as)).content.decode())
    # then the officer sees what the OCR read, in the MRZ field, with the field named and the fix
    assert _mrz_field(page) == "\n".join(read_as)
    assert "La MRZ leída de la foto no cuadra en: número de documento (dígito de control)" in page
    assert _fix_button(page) == "\n".join(good)
    _nothing_recorded()


def test_the_review_has_no_preselected_decision_and_asks_for_one(officer_client, crossing_points,
                                                                 external_systems):
    _counter(officer_client, mrz="\n".join(td3(number="PY1234999")))
    crossing = Crossing.objects.get()
    page = officer_client.get(f"/control/controles/{crossing.pk}/").content.decode()
    radios = re.findall(r'<input type="radio" name="admit"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios)
    # when the officer records a reason but chooses nothing
    refused = officer_client.post(f"/control/controles/{crossing.pk}/revision", {"reason": "Documento revisado"})
    body = refused.content.decode()
    # then the page says so on the field, keeps the reason, and nothing is decided
    assert refused.status_code == 200 and "Elija si admite o no admite al viajero." in body
    assert 'href="#id_admit_0"' in body and "Documento revisado" in body
    crossing.refresh_from_db()
    assert crossing.review == "PENDING" and crossing.movement_id is None


def test_a_crossing_recorded_before_reason_codes_shows_its_spanish_text_under_the_check_label(
        officer_client, crossing_points):
    from rim.models import CrossingPoint

    old = Crossing.objects.create(
        channel="COUNTER", direction="ENTRY", crossing_point=CrossingPoint.objects.get(code="AIJCH"),
        decision="REFER", review="PENDING", document_code="P", document_number="PZ1000999", issuing_state="USA",
        nationality="USA", surnames="DOE", reasons=["alerts_interpol_sltd: Interpol SLTD: documento reportado STOLEN"])
    page = officer_client.get("/control/cola/").content.decode()
    assert "Interpol: documentos robados o perdidos: Interpol SLTD: documento reportado STOLEN" in page
    assert old.reason_lines == ["Interpol: documentos robados o perdidos: Interpol SLTD: documento reportado STOLEN"]


def _english(client) -> None:
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def test_an_officer_with_the_english_interface_reads_the_reasons_in_english(officer_client, crossing_points,
                                                                            external_systems):
    from control.services import crossing_decide

    # given a traveller referred for a stolen passport (Interpol SLTD), decided in Spanish
    _counter(officer_client, mrz="\n".join(td3(number="PY1234999")))
    crossing = Crossing.objects.get()
    assert "Interpol SLTD" not in crossing.reasons[0] and "robado" in crossing.reasons[0]
    # when the officer switches to English
    _english(officer_client)
    detail = officer_client.get(f"/control/controles/{crossing.pk}/").content.decode()
    queue = officer_client.get("/control/cola/", HTTP_X_POLL="1").content.decode()
    api = officer_client.get("/api/v1/control/queue").json()
    # then the crossing page, the queue and the queue API say it in English
    line = "Interpol: stolen or lost documents: document reported as stolen"
    assert line in detail and line in queue and api[0]["reasons"] == [line]
    assert api[0]["reason_codes"] == [{"check": "alerts_interpol_sltd", "code": "alerts_sltd_hit"}]
    assert "Document validity" in detail and "valid MRZ; valid until" in detail
    assert "robado" not in detail and "Validez del documento" not in detail
    # and the counter's own result, right after an English officer decides, is English too
    result = _counter(officer_client, mrz="\n".join(td3(number="PW7654321"))).content.decode()
    assert "Document validity" in result and "Validez del documento" not in result
    # the stored record and the audit log keep the Spanish text
    later = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH",
                            mrz_lines=td3(number="PY7777999"), actor="test")
    assert "documento reportado como robado" in " ".join(later.reasons)


def test_the_migration_keeps_older_crossings_readable_with_their_checks_labelled(transactional_db):
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # given a referral recorded before reasons had codes
    call_command("migrate", "control", "0004", verbosity=0)
    try:
        old = MigrationExecutor(connection).loader.project_state(("control", "0004_fee_table_to_pagos")).apps
        point = old.get_model("rim", "CrossingPoint").objects.create(code="TSTOLD", name="Puesto antiguo",
                                                                     kind="AIRPORT")
        old.get_model("control", "Crossing").objects.create(
            channel="COUNTER", direction="ENTRY", crossing_point=point, decision="REFER", review="PENDING",
            document_code="P", document_number="PZ2000999", issuing_state="USA", nationality="USA", surnames="DOE",
            reasons=["alerts_pnp: PNP: requisitoria R-1 (Lima: robo)", "texto sin control"], actor_repr="test")
        # when the migrations run
        call_command("migrate", "control", verbosity=0)
        # then its reasons are shown under the check's label, with the text as recorded
        crossing = Crossing.objects.get(document_number="PZ2000999")
        assert crossing.reason_items == [{"check": "alerts_pnp", "text": "PNP: requisitoria R-1 (Lima: robo)"},
                                         {"check": "", "text": "texto sin control"}]
        assert crossing.reason_lines == ["Alertas de la PNP: PNP: requisitoria R-1 (Lima: robo)", "texto sin control"]
    finally:
        call_command("migrate", verbosity=0)
