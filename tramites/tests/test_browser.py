"""A prórroga de residencia end to end in Chromium, with the real Celery worker between: a foreigner signs in,
files, pays by receipt, uploads and submits; an officer (past TOTP) observes; she answers with the corrected
file; the officer approves; the resolution arrives in her buzón, the RIM shows the new validity and the
resolution's code verifies on /verificar/. Every tramites page visited passes axe-core on a desktop and a
phone (no serious or critical violation) and fits the phone's width."""
from __future__ import annotations

import datetime as dt

import pytest
from django.template.defaultfilters import date as date_format
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from buzon.services import casilla_accept
from rim import selectors as rim_selectors
# The accessibility sweep's axe fixture and limits, so both judge pages alike.
from tests.test_a11y_browser import BLOCKING, DESKTOP, PHONE, axe  # noqa: F401
# The live portal on 127.0.0.1 with the calendar reloaded, as the passport's browser test has it.
from tests.test_pasaporte_flow import portal_url  # noqa: F401
from tramites.models import Case, CaseAct

from .conftest import officer, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD, OFFICER_PASSWORD = "Persona-2026!", "Servidor-2026!"
S = Case.Status


class Pages:
    """One person's browser context; every tramites page it reaches is checked with axe on a desktop and
    a phone and for overflow on the phone, and each problem is kept so one run lists them all."""

    def __init__(self, browser, axe, base: str, problems: list[str]):
        self.base, self.axe, self.problems = base, axe, problems
        self.context = browser.new_context(viewport=DESKTOP, locale="es-PE")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def arrive(self, pattern: str, *, timeout_ms: int = 20_000) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_url(pattern, timeout=timeout_ms)
        except PlaywrightTimeout:
            pytest.fail(f"expected {pattern}, still at {self.page.url}: {self.page.inner_text('body')[:1500]}")

    def audit(self) -> None:
        """axe on this page at 1280x800 and 375x740; nothing wider than the phone."""
        page = self.page
        page.wait_for_load_state("load")
        label = page.url.replace(self.base, "")
        for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(viewport)
            for v in self.axe.run(page).response["violations"]:
                if v["impact"] in BLOCKING:
                    targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
                    self.problems.append(f"[{name}] {label}: axe {v['impact']} {v['id']} ({v['help']}) at {targets}")
            if name == "phone":
                wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wide > 1:
                    self.problems.append(f"[phone] {label}: {wide}px wider than the phone's screen")
        page.set_viewport_size(DESKTOP)

    def sign_in(self, username: str, password: str, *, next_path: str) -> None:
        self.goto(f"/cuentas/ingresar/?next={next_path}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.get_by_role("button", name="Ingresar").click()
        self.page.wait_for_load_state()

    def button(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()

    def link(self, name: str, *, within: str = "main") -> None:
        self.page.locator(within).get_by_role("link", name=name, exact=True).first.click()
        self.page.wait_for_load_state()

    def upload(self, label: str, file_name: str, data: bytes) -> None:
        self.link(label)
        self.audit()
        self.page.set_input_files("#id_archivo", files=[{"name": file_name, "mimeType": "application/pdf",
                                                         "buffer": data}])
        self.button("Subir el archivo")
        assert f"Archivo aceptado: {file_name}" in self.page.inner_text("main")

    def main(self) -> str:
        return self.page.inner_text("main")


def _she_files_a_prorroga(she: Pages, bank_receipt) -> Case:
    she.link("Prórroga de residencia", within="#disponibles")
    she.audit()
    assert "Descripción" in she.main() and "Paso a paso" in she.main()
    she.button("Empezar")
    she.audit()
    she.link("Responder las preguntas")
    she.audit()
    she.page.fill("#id_motivo", "Sigo con mi contrato de trabajo en Lima")
    she.button("Guardar y continuar")
    she.upload(_document_label("pasaporte"), "pasaporte.pdf", pdf_bytes(1))
    she.upload(_document_label("sustento"), "contrato.pdf", pdf_bytes(2))
    # pays at a bank window (recorded in the bank's simulator), then types the receipt
    she.link("Pagar la tasa")
    she.audit()
    assert "S/ 20.20" in she.main()
    number, date = bank_receipt(amount="20.20", fee_code="07566", payer="001234567")
    she.page.fill("#id_receipt_number", number)
    she.page.fill("#id_payment_date", date.isoformat())
    she.button("Registrar el comprobante")
    assert "Pago confirmado por el Banco de la Nación" in she.main()
    she.link("Revisar y presentar")
    she.audit()
    assert "contrato.pdf" in she.main() and "Sigo con mi contrato" in she.main()
    she.button("Presentar la solicitud")
    she.arrive("**/presentado/")
    # the worker signs the constancia; the confirmation shows it without reloading itself
    she.page.get_by_role("link", name="Descargar la constancia de trámite (PDF)").wait_for(timeout=30_000)
    she.audit()
    return Case.objects.get(applicant__username=she.username)


def _document_label(key: str) -> str:
    from tramites.catalogue import spec_of
    from tramites.models import ProcedureType

    with translation.override("es"):
        return spec_of(ProcedureType.objects.get(code="PRORROGA_RESIDENCIA", active=True)).document(key).label


def _officer_signs_in(officer_pages: Pages, username: str, device: TOTPDevice) -> None:
    officer_pages.sign_in(username, OFFICER_PASSWORD, next_path="/tramites/servidor/")
    officer_pages.arrive("**/cuentas/otp/**")
    officer_pages.page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    officer_pages.button("Verificar")
    officer_pages.arrive("**/tramites/servidor/")


@pytest.mark.worker
def test_a_prorroga_filed_observed_answered_and_approved_in_the_browser(
        celery_worker_process, external_systems, browser, axe, portal_url, worker, worker_user, office,
        bank_receipt):
    problems: list[str] = []
    # given: she has an account tied to her RIM record and an active casilla; an officer of her sede uses TOTP
    casilla_accept(user=worker_user, email=worker_user.email, phone="987654321", accepted_terms=True,
                   actor=worker_user)
    evaluator = officer(office, name="evaluadora")
    device = TOTPDevice.objects.create(user=evaluator, name="app", confirmed=True)
    before = rim_selectors.residence_status_current(person_id=worker.pk).valid_until

    # when: she signs in, files a prórroga de residencia, pays by receipt, uploads and submits
    she = Pages(browser, axe, portal_url, problems)
    she.username = worker_user.username
    she.sign_in(worker_user.username, PASSWORD, next_path="/tramites/")
    she.arrive("**/tramites/")
    she.audit()
    case = _she_files_a_prorroga(she, bank_receipt)
    assert case.number in she.main()
    she.link("Ver mi expediente")
    she.audit()
    assert "Lugar en la cola" in she.main() and f"{case.due_on:%d/%m/%Y}" in she.main()

    # when: the officer signs in with TOTP, opens it from the queue, takes it and observes the contract
    clerk = Pages(browser, axe, portal_url, problems)
    _officer_signs_in(clerk, evaluator.username, device)
    clerk.audit()
    clerk.page.get_by_role("link", name=case.number).click()
    clerk.page.wait_for_load_state()
    clerk.audit()
    assert worker.full_name in clerk.page.inner_text("#h-persona + dl")
    clerk.button("Tomar el expediente")
    clerk.link("Observar")
    clerk.audit()
    clerk.page.fill("#id_text", "El contrato no está firmado. Adjunte el contrato firmado por ambas partes.")
    clerk.page.get_by_label(_document_label("sustento")).check()
    clerk.page.get_by_label("5 días hábiles").check()
    clerk.page.get_by_label("observación de requisitos (art. 136)").check()
    clerk.button("Observar y notificar")
    assert "se depositó en el buzón del solicitante" in clerk.main()

    # then: she sees the observation; she answers with the corrected contract
    she.goto(f"/tramites/expedientes/{case.pk}/")
    assert "El contrato no está firmado." in she.main()
    she.audit()
    she.link("Responder la observación")
    she.audit()
    she.upload(_document_label("sustento"), "contrato-firmado.pdf", pdf_bytes(2))
    she.page.fill("#id_answer", "Adjunto el contrato firmado por ambas partes.")
    she.button("Enviar mi respuesta")
    assert "Envió su respuesta" in she.main()

    # when: the officer takes it back and approves
    clerk.goto(f"/tramites/servidor/expedientes/{case.pk}/")
    assert "Adjunto el contrato firmado" in clerk.main()
    clerk.button("Tomar el expediente")
    clerk.link("Resolver")
    clerk.audit()
    clerk.page.get_by_label("Aprobar").check()
    clerk.page.fill("#id_text", "Cumple los requisitos.")
    clerk.button("Resolver y notificar")
    assert "Resolvió el expediente" in clerk.main()
    case.refresh_from_db()
    assert case.status == S.EFFECTS_APPLIED and case.outcome == "APPROVED"

    # then: the resolution arrives in her buzón, with its PDF
    she.goto(f"/tramites/expedientes/{case.pk}/")
    assert "Aprobado" in she.main()
    she.audit()
    resolution = case.acts.get(kind=CaseAct.Kind.RESOLUCION)
    she.goto("/buzon/")
    notices = she.page.inner_text("#notificaciones")
    assert case.number in notices
    she.page.locator("#notificaciones").get_by_role("link").filter(has_text="esoluci").first.click()
    she.page.wait_for_load_state()
    assert resolution.notice_id and f"/buzon/{resolution.notice_id}/" in she.page.url

    # and the RIM, on the officer's person page, shows the residence a year longer, by this case
    after = rim_selectors.residence_status_current(person_id=worker.pk)
    assert after.valid_until == dt.date(before.year + 1, before.month, before.day)
    clerk.goto(f"/rim/personas/{worker.pk}/?finalidad=TRAMITE_EN_LINEA")
    calidad = clerk.page.inner_text("ul[aria-labelledby=calidad]")
    with translation.override("es"):
        assert date_format(after.valid_until, "DATE_FORMAT") in calidad
    assert case.number in calidad

    # and the resolution's code verifies on /verificar/
    visitor = Pages(browser, axe, portal_url, problems)
    visitor.goto("/verificar/")
    visitor.page.fill("#id_codigo", resolution.document.code)
    visitor.button("Verificar")
    assert visitor.page.locator("[data-result=VALID]").is_visible()

    # and no tramites page had a serious or critical axe violation or overflowed the phone
    assert not problems, "\n".join(problems)
    for pages in (she, clerk, visitor):
        pages.context.close()


def _session_cookie(user, *, staff: bool = False) -> str:
    """A session made with Django's test client (staff past TOTP), as the accessibility sweep makes them."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if staff:
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.create(user=user, name="app", confirmed=True).persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signed_in_pages(browser, axe, base: str, problems: list[str], user, *, staff: bool = False) -> Pages:
    from django.conf import settings

    pages = Pages(browser, axe, base, problems)
    pages.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": _session_cookie(user, staff=staff),
                                "url": base}])
    return pages


@pytest.fixture
def other_pages(worker_user, office, bank_receipt):
    """Made before the browser starts (signing a constancia runs its own event loop, which Playwright's
    would refuse): an observed case and a draft of the same person, an unlinked account, a supervisor."""
    from tramites import services

    from .conftest import account
    from .test_pages import observed_case

    observed = observed_case(worker_user, bank_receipt, officer(office))
    draft = services.case_draft_start(user=worker_user, procedure_code="CERTIFICADO_MOVIMIENTO_MIGRATORIO",
                                      actor=worker_user)
    return {"observed": observed, "draft": draft, "unlinked": account(None),
            "supervisor": officer(office, role="supervisor")}


def test_the_other_tramites_pages_pass_axe_and_fit_a_phone(other_pages, worker_user, browser, axe, live_server):
    """The pages the journey above does not reach: linking an account (and its error), the confirmations,
    the appeal, an error on a confirmation, the signed-out catalogue and the supervisor's dashboard."""
    problems: list[str] = []
    base = live_server.url
    observed, draft = other_pages["observed"], other_pages["draft"]
    unlinked, supervisor = other_pages["unlinked"], other_pages["supervisor"]

    visitor = Pages(browser, axe, base, problems)
    visitor.goto("/tramites/")
    visitor.audit()
    visitor.goto("/tramites/PRORROGA_RESIDENCIA/")
    visitor.audit()

    newcomer = _signed_in_pages(browser, axe, base, problems, unlinked)
    newcomer.goto("/tramites/vincular/")
    newcomer.audit()
    newcomer.page.get_by_label("Carné de extranjería").check()
    newcomer.page.fill("#id_document_number", "000000001")
    newcomer.page.fill("#id_birth_date", "1990-01-01")
    newcomer.page.select_option("#id_nationality", "COL")
    newcomer.page.fill("#id_last_entry_date", "2024-01-01")
    newcomer.button("Vincular")
    # the failed form's error summary takes the focus, and the title says Error
    assert newcomer.page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert newcomer.page.title().startswith("Error")
    newcomer.audit()

    she = _signed_in_pages(browser, axe, base, problems, worker_user)
    for path in (f"/tramites/expedientes/{draft.pk}/", f"/tramites/expedientes/{draft.pk}/borrar/",
                 f"/tramites/expedientes/{observed.pk}/", f"/tramites/expedientes/{observed.pk}/responder/",
                 f"/tramites/expedientes/{observed.pk}/prorroga/", f"/tramites/expedientes/{observed.pk}/desistir/",
                 f"/tramites/expedientes/{observed.pk}/reconsideracion/"):
        she.goto(path)
        she.audit()
    # a withdrawal sent without its reason: the error on the field, the focus on the summary
    she.goto(f"/tramites/expedientes/{observed.pk}/desistir/")
    she.button("Sí, desistir del trámite")
    assert she.page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    she.audit()
    assert Case.objects.get(pk=observed.pk).status == S.OBSERVED

    boss = _signed_in_pages(browser, axe, base, problems, supervisor, staff=True)
    boss.goto("/tramites/servidor/tablero/")
    boss.audit()
    assert "Cerca del silencio administrativo" in boss.main()

    assert not problems, "\n".join(problems)
    for pages in (visitor, newcomer, she, boss):
        pages.context.close()
