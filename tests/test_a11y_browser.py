"""Every role's pages in Chromium with axe-core, on a desktop (1280x800) and a phone (375x740), in Spanish
and English: no serious or critical axe violation, nothing wider than a phone's screen, no console error;
and a failed form's error summary takes the focus. One browser, one context per person, the demo data."""
import pytest
from django.conf import settings
from django.core.management import call_command

from conftest import skip_or_fail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
        label = f"{where} {path}"
        if reply.status != status:
            self.problems.append(f"{label}: HTTP {reply.status}, expected {status}")
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


def test_every_roles_pages_pass_axe_fit_a_phone_and_log_no_console_error(browser, axe, live_server):
    # given the demo portal and one browser context for each person (live_server's flush took the
    # calendar and the fee catalogue the data migrations loaded: reload them, as a fresh database has them)
    call_command("calendario_load", "--all", verbosity=0)
    call_command("pagos_load", verbosity=0)
    call_command("seed_demo", persons=40)
    people = [("visitor", None, PUBLIC),
              ("citizen", _signed_in_cookie("70275722", staff=False), CITIZEN),
              ("foreigner", _signed_in_cookie("ana.rodriguez@example.com", staff=False), ["/buzon/", "/mi-cuenta/", "/tam/"]),
              ("officer", _signed_in_cookie("oficial.brena", staff=True), OFFICER),
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
        problems += sweep.problems
        sweep.close()
    # then none has a serious or critical axe violation, overflows a phone or logs a console error
    assert not problems, "\n".join(problems)


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
