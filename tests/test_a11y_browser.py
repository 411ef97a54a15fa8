"""Every role's pages in Chromium with axe-core, on a desktop (1280x800) and a phone (375x740), in Spanish
and English: no serious or critical axe violation, nothing wider than a phone's screen, no console error;
and a failed form's error summary takes the focus. One browser, one context per person, the demo data."""
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.management import call_command
from django.urls import path
from django.utils.translation import gettext_noop

from conftest import CHROMIUM, CHROMIUM_FLAGS, skip_or_fail
from core.errors import ExternalServiceUnavailable
from cuentas.throttling import Throttled
from migraciones import urls as root_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module (the root conftest's is per test): the sweeps share it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"{CHROMIUM} is not installed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield chromium
            chromium.close()
            from django.db import connections

            connections.close_all()


# This module doubles as a URLconf for the error pages' sweep: the portal's, plus pages that end the way the
# portal's own do (the root handlers for 400, 413 and 500; migraciones' middleware for 429 and 503).
handler400, handler403, handler404, handler500 = (root_urls.handler400, root_urls.handler403,
                                                  root_urls.handler404, root_urls.handler500)


def _fails(make):
    def view(request):
        raise make()
    return view


urlpatterns = [
    *root_urls.urlpatterns,
    path("prueba/400/", _fails(lambda: SuspiciousOperation("a malformed request"))),
    path("prueba/413/", _fails(lambda: RequestDataTooBig("body over the limit"))),
    path("prueba/429/", _fails(lambda: Throttled("", extra={"retry_after": 300}))),
    path("prueba/500/", _fails(lambda: RuntimeError("a failure inside the portal"))),
    path("prueba/503/", _fails(lambda: ExternalServiceUnavailable(""))),
]
STATUS_PAGES = {status: f"/prueba/{status}/" for status in (400, 413, 429, 500, 503)}


@pytest.fixture(scope="module")
def axe():
    """axe-core as the axe-playwright-python package ships it (axe.min.js inside the wheel)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        skip_or_fail("axe-playwright-python is not installed (requirements-dev.txt)")
    return Axe()

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
LANGUAGES = ("es", "en")
BLOCKING = {"serious", "critical"}

PUBLIC = ["/", "/cuentas/ingresar/", "/cuentas/registro/", "/cuentas/registro/ciudadano/",
          "/cuentas/registro/extranjero/", "/cuentas/clave/olvide/", "/verificar/",
          "/tam/verificar/", "/ayuda/", "/datos-personales/"]
ERROR_PAGES = ["/no-existe/"]  # the designed 404 (its own status is the one console error it may cause)
CITIZEN = ["/mi-cuenta/", "/pasaporte/", "/pasaporte/cita/", "/buzon/", "/mis-datos/", "/mis-datos/quien-consulto/"]
OFFICER = ["/pasaporte/sede/", "/control/", "/control/cola/", "/rim/personas/"]
SUPERVISOR = ["/pasaporte/supervision/", "/egates/", "/biometria/casos/"]
FORBIDDEN = ["/control/"]  # a citizen at an officer's page: the designed 403


def _signed_in_cookie(username: str, *, staff: bool) -> str:
    """A session for a demo user made with Django's test client; staff also pass their TOTP step."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if staff:
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.filter(user=user).first().persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Sweep:
    """Opens pages in one context and keeps every problem found, so one run lists them all."""

    def __init__(self, browser, axe, base: str, session: str | None):
        self.base = base
        self.context = browser.new_context(viewport=DESKTOP, locale="es-PE")
        if session:
            self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        self.page.on("pageerror", lambda e: self.console.append(str(e)))
        self.problems: list[str] = []
        self.axe = axe

    def language(self, code: str) -> None:
        self.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": self.base}])

    def check(self, path: str, *, where: str, status: int = 200) -> None:
        self.console.clear()
        reply = self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("load")
        self.check_shown(f"{where} {path}", status=reply.status, expected=status)

    def check_shown(self, label: str, *, status: int = 200, expected: int = 200) -> None:
        """The page as it is now (after a navigation or a form sent)."""
        if status != expected:
            self.problems.append(f"{label}: HTTP {status}, expected {expected}")
        status = expected
        results = self.axe.run(self.page).response
        for v in results["violations"]:
            if v["impact"] in BLOCKING:
                targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
                self.problems.append(f"{label}: axe {v['impact']} {v['id']} ({v['help']}) at {targets}")
        if self.page.viewport_size["width"] == PHONE["width"]:
            wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wide > 1:
                self.problems.append(f"{label}: {wide}px wider than the phone's screen")
        errors = [m for m in self.console if not (status != 200 and "Failed to load resource" in m)]
        self.problems.extend(f"{label}: console error {m}" for m in errors)

    def close(self) -> None:
        self.context.close()


def _sweep(sweep: Sweep, pages: list[str], *, who: str, status: int = 200) -> None:
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        sweep.page.set_viewport_size(viewport)
        for code in LANGUAGES:
            sweep.language(code)
            for path in pages:
                sweep.check(path, where=f"[{who} {name} {code}]", status=status)


def _records() -> dict[str, list[str]]:
    """What officers review and people read, beyond the demo: the citizen's application, observed at the
    officer's sede (its enrollment and review pages), a traveller referred at the officer's post (the
    crossing page with its review), and the foreigner's notice in their casilla."""
    from django.contrib.auth import get_user_model

    from buzon.models import Notice
    from control.services import Boarding, crossing_decide
    from mrtd.mrz import generate_td3
    from pasaporte import notes
    from pasaporte.models import Application
    from pasaporte.tests.factories import paid_application

    users = get_user_model().objects
    officer = users.get(username="oficial.brena")
    application = paid_application(users.get(username="70275722"))
    reason = notes.note(gettext_noop("La PNP registra una requisitoria."))
    # Test data only: the application as validation leaves it observed (the services need the simulators' RENIEC).
    Application.objects.filter(pk=application.pk).update(
        office=officer.office, status=Application.Status.OBSERVED, status_reason=reason,
        status_reason_parts=notes.parts_of(reason))
    mrz = generate_td3(issuing_state="USA", primary_identifier="OBAMA", secondary_identifier="BARACK HUSSEIN",
                       document_number="PY1234999", nationality="USA", birth_date=dt.date(1961, 8, 4), sex="M",
                       expiry_date=dt.date.today() + dt.timedelta(days=3 * 365))
    decision = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                               boarding=Boarding(purpose="TURISMO"), actor=officer)
    notice = Notice.objects.filter(recipient__username="ana.rodriguez@example.com").first()
    return {
        "officer": [f"/pasaporte/sede/solicitud/{application.pk}/enrolar/", "/biometria/captura/",
                    f"/pasaporte/sede/solicitud/{application.pk}/revisar/", f"/control/controles/{decision.crossing_id}/"],
        "foreigner": [f"/buzon/{notice.pk}/"],
    }


def test_every_roles_pages_pass_axe_fit_a_phone_and_log_no_console_error(browser, axe, live_server, external_systems):
    # given the demo portal and one browser context for each person (live_server's flush took the
    # calendar and the fee catalogue the data migrations loaded: reload them, as a fresh database has them)
    call_command("calendario_load", "--all", verbosity=0)
    call_command("pagos_load", verbosity=0)
    call_command("seed_demo", persons=40)
    records = _records()
    people = [("visitor", None, PUBLIC),
              ("citizen", _signed_in_cookie("70275722", staff=False), CITIZEN),
              ("foreigner", _signed_in_cookie("ana.rodriguez@example.com", staff=False),
               ["/buzon/", "/mi-cuenta/", "/tam/", *records["foreigner"]]),
              ("officer", _signed_in_cookie("oficial.brena", staff=True), OFFICER + records["officer"]),
              ("supervisor", _signed_in_cookie("supervisor.brena", staff=True), SUPERVISOR)]
    problems = []
    for who, session, pages in people:
        # when each opens their pages on a desktop and a phone, in Spanish and in English
        sweep = Sweep(browser, axe, live_server.url, session)
        _sweep(sweep, pages, who=who)
        if who == "visitor":
            _sweep(sweep, ERROR_PAGES, who=who, status=404)
        if who == "citizen":
            _sweep(sweep, FORBIDDEN, who=who, status=403)
        if who == "officer":
            problems += _counter_form_fails_with_focus_on_its_summary(sweep)
            problems += _failed_decisions_and_kept_files(sweep, records)
        problems += sweep.problems
        sweep.close()
    # then none has a serious or critical axe violation, overflows a phone or logs a console error
    assert not problems, "\n".join(problems)


def test_the_error_pages_pass_axe_and_fit_a_phone(browser, axe, live_server, settings):
    # given the pages the portal answers when a request is malformed (400), too large (413), throttled (429),
    # fails inside the portal (500) or finds a service down (503)
    settings.ROOT_URLCONF = __name__
    sweep = Sweep(browser, axe, live_server.url, None)
    # when a visitor reaches each on a desktop and a phone, in Spanish and in English
    for status, page in STATUS_PAGES.items():
        _sweep(sweep, [page], who="visitor", status=status)
    sweep.close()
    # then none has a serious or critical axe violation, overflows a phone or logs a console error
    assert not sweep.problems, "\n".join(sweep.problems)


def _failed_decisions_and_kept_files(sweep: Sweep, records: dict[str, list[str]]) -> list[str]:
    """The officer's forms in their error state, on a phone and a desktop, in both languages: each review
    sent without a choice (the error on its fieldset, the summary focused), the enrollment with a file kept."""
    enroll, _capture, review, crossing = records["officer"]
    page, problems = sweep.page, []
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        for code in LANGUAGES:
            sweep.language(code)
            where = f"[officer {name} {code}]"
            for path in (review, crossing):
                page.goto(f"{sweep.base}{path}")
                if not page.locator("fieldset.radios legend").count():
                    problems.append(f"{where} {path}: the decision is not a fieldset with a legend")
                    continue
                page.locator("fieldset.radios").locator("xpath=ancestor::form").locator("button[type=submit]").click()
                page.wait_for_load_state("load")
                if not page.evaluate("document.activeElement.hasAttribute('data-error-summary')"):
                    problems.append(f"{where} {path}: a decision sent without a choice does not focus the summary")
                if not page.locator("fieldset.radios.field-error .errorlist").count():
                    problems.append(f"{where} {path}: the missing choice is not said on the fieldset")
                sweep.check_shown(f"{where} {path} (sent without a choice)")
            page.goto(f"{sweep.base}{enroll}")
            page.set_input_files("#id_finger_1", files=[{"name": "pulgar.png", "mimeType": "image/png",
                                                         "buffer": _fingerprint()}])
            page.locator("#enroll-submit").click()
            page.wait_for_load_state("load")
            if not page.locator("#id_finger_1_kept").count():
                problems.append(f"{where} {enroll}: the accepted finger is not named after the error")
            sweep.check_shown(f"{where} {enroll} (a file kept)")
    return problems


def _fingerprint() -> bytes:
    from core.testdata import TESTDATA

    return (TESTDATA / "fingerprints" / "sourceafis_probe.png").read_bytes()


def _counter_form_fails_with_focus_on_its_summary(sweep: Sweep) -> list[str]:
    """The officer sends the counter form with no MRZ, photo or chip: its error summary takes the focus."""
    page = sweep.page
    sweep.language("es")
    page.goto(f"{sweep.base}/control/")
    page.get_by_role("button", name="Verificar y registrar").click()
    page.wait_for_load_state("load")
    if not page.evaluate("document.activeElement.hasAttribute('data-error-summary')"):
        return ["[officer] /control/: the failed counter form does not move the focus to its error summary"]
    return []


@pytest.mark.parametrize("code, button", [("es", "Ingresar"), ("en", "Sign in")])
def test_a_failed_sign_in_moves_the_focus_to_its_error_summary(browser, live_server, code, button):
    # given a visitor on the sign-in page of a phone, in either language
    context = browser.new_context(viewport=PHONE, locale="es-PE")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/cuentas/ingresar/")
    # when they sign in with a user and password that do not match
    page.fill("#id_username", "nadie")
    page.fill("#id_password", "no-es-la-clave")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")
    # then the error summary has the focus (a screen reader reads it first) and the title says Error
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("Error")
    context.close()
