"""E-passport end to end in Chromium: citizen sign-up, payment and booking; officer enrollment and delivery; the real worker between."""
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from integraciones.reniec import verification_digit
from pasaporte.models import Application, Passport, PassportNumberCounter
from pasaporte.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DNI, PASSWORD = "70275722", "Ciudadano-2026!"  # RENIEC's simulator holds obama.jpg for this DNI
OFFICER, OFFICER_PASSWORD = "oficial.brena", "Servidor-2026!"
S = Application.Status


@pytest.fixture
def portal_url(django_db_setup, live_server, settings) -> str:
    # Everything on 127.0.0.1: the portal builds the bank's notify_url from SITE_URL.
    settings.SITE_URL = live_server.url.replace("://localhost:", "://127.0.0.1:")
    # live_server flushes the data migrations' rows: turns are made on business days, so reload the calendar.
    from django.core.management import call_command

    call_command("calendario_load", "--all", verbosity=0)
    return settings.SITE_URL


def _arrive(page, pattern: str, *, timeout_ms: int = 20_000) -> None:
    """Wait for the next page; if it does not come, fail with what the user sees instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_url(pattern, timeout=timeout_ms)
    except PlaywrightTimeout:
        pytest.fail(f"expected {pattern}, still at {page.url}: {page.inner_text('body')[:1500]}")


def _page(browser):
    page = browser.new_context(locale="es-PE").new_page()
    page.set_default_timeout(20_000)
    return page


def _citizen_signs_up_and_in(page, url: str) -> None:
    page.goto(f"{url}/cuentas/registro/ciudadano/")
    page.fill("#id_dni", DNI)
    page.fill("#id_verification_digit", verification_digit(DNI))
    page.fill("#id_issue_date", "2013-07-16")
    page.fill("#id_email", "jorge.cardenas@example.pe")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check("#id_personal_data_consent")
    page.get_by_role("button", name="Crear cuenta").click()
    _arrive(page, "**/cuentas/ingresar/**")
    _sign_in(page, DNI, PASSWORD)


def _sign_in(page, username: str, password: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_load_state()


def _citizen_pays_online(page, url: str, bank_url: str) -> None:
    page.goto(f"{url}/pasaporte/pagar/")
    page.click("#pagar-en-linea")
    _arrive(page, f"{bank_url}/**")
    assert "S/ 120.90" in page.content() and DNI in page.content()
    page.get_by_role("button", name="Pagar").click()
    page.get_by_role("link", name="Volver a MIGRACIONES").click()
    # The bank's signed notification reaches the portal out of band; the waiting page refreshes itself.
    _arrive(page, "**/pasaporte/cita/**")


def _citizen_books(page) -> str:
    page.select_option("#sede", "LIM-BRE")
    page.get_by_role("button", name="Ver turnos").click()
    turn = page.locator("#slot option").first.inner_text()
    page.click("#reservar")
    _arrive(page, "**/pasaporte/")
    return turn.split(" ")[0]


def _officer_signs_in(page, url: str, device: TOTPDevice) -> None:
    page.goto(f"{url}/cuentas/ingresar/?next=/pasaporte/sede/")
    _sign_in(page, OFFICER, OFFICER_PASSWORD)
    _arrive(page, "**/cuentas/otp/**")
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.get_by_role("button", name="Verificar").click()
    _arrive(page, "**/pasaporte/sede/")


def _officer_enrolls(page, url: str, application_id: int) -> None:
    data = Path(factories.DATA)
    page.goto(f"{url}/pasaporte/sede/solicitud/{application_id}/enrolar/")
    page.set_input_files("#id_face", data / "faces/obama2.jpg")
    page.set_input_files("#id_finger_1", data / "fingerprints/sourceafis_probe.png")
    page.set_input_files("#id_finger_2", data / "fingerprints/jmrtd_fp.wsq")
    page.set_input_files("#id_signature", data / "fingerprints/utkarsh_2.jpg")
    page.get_by_role("button", name="Registrar biometría").click()
    _arrive(page, "**/pasaporte/sede/", timeout_ms=60_000)
    assert "Biometría registrada" in page.content()


def _officer_delivers(page, url: str) -> None:
    page.goto(f"{url}/pasaporte/sede/")
    ready = page.locator("#listos li", has_text=DNI)
    ready.get_by_role("link", name="Entregar").click()
    page.set_input_files("#id_face", Path(factories.DATA) / "faces/obama_small.jpg")
    page.get_by_role("button", name="Verificar y entregar").click()
    _arrive(page, "**/pasaporte/sede/", timeout_ms=60_000)
    assert "Pasaporte entregado" in page.content()


def test_citizen_pays_and_books_in_the_browser_and_the_passport_is_delivered(
        celery_worker_process, external_systems, browser, portal_url):
    # given a sede whose officer uses TOTP, fee 01810 and the simulators (the worker uses the same ones)
    factories.reference_data()
    office = factories.office("LIM-BRE")
    device = TOTPDevice.objects.get(user=factories.staff(OFFICER, "officer", office))
    first_number = PassportNumberCounter.objects.get().next_value
    citizen = _page(browser)

    # when the citizen signs up (checked with RENIEC), pays on the bank's page and books a turn
    _citizen_signs_up_and_in(citizen, portal_url)
    _citizen_pays_online(citizen, portal_url, external_systems.base_url)
    assert "Pago confirmado" in citizen.content()
    turn = _citizen_books(citizen)
    # then their page shows the cita at the sede, and the worker validates it with RENIEC, PNP and Interpol
    assert office.name in citizen.inner_text("#cita") and turn in citizen.inner_text("#cita")
    application = Application.objects.get(dni=DNI)
    assert application.payment.status == "PAID" and application.payment.receipt_number
    factories.wait_for_status(application.pk, {S.VALIDATED}, timeout_s=30)

    # when the officer signs in with TOTP and enrolls face, two fingers and the signature at the counter
    officer = _page(browser)
    _officer_signs_in(officer, portal_url, device)
    _officer_enrolls(officer, portal_url, application.pk)
    # then the worker personalizes the chip and quality control passes
    application = factories.wait_for_status(application.pk, {S.READY}, timeout_s=60)
    passport = Passport.objects.get(application=application)
    assert passport.number == f"{first_number:09d}" and passport.qc["passed"] and passport.qc["pa_valid"]

    # when the officer hands it over after the 1:1 face check
    _officer_delivers(officer, portal_url)
    # then the citizen sees it delivered, the whole timeline, and their new passport in force
    citizen.goto(f"{portal_url}/pasaporte/")
    assert citizen.inner_text("#estado") == "Entregado"
    timeline = citizen.inner_text("#timeline")
    for step in ("Pagado", "Cita reservada", "Validado", "Datos biométricos registrados", "Listo para entrega"):
        assert step in timeline
    assert passport.number in citizen.content()
    assert [e.to_status for e in Application.objects.get(pk=application.pk).events.all()] == [
        S.PAID, S.BOOKED, S.VALIDATED, S.ENROLLED, S.PERSONALIZING, S.READY, S.DELIVERED]
