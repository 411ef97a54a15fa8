"""On a phone (Chromium at 375 px): a failed form's error summary takes the focus and leads to each
field; the designed error pages, the help page and the personal-data notice fit the screen."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser):
    return browser.new_context(viewport={"width": 375, "height": 740}, locale="es-PE").new_page()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_error_summary_takes_the_focus_and_its_links_reach_the_fields(live_server, browser):
    page = _phone(browser)
    # given a foreigner who sends the sign-up form with a made-up birth date and nothing else
    page.goto(f"{live_server.url}/cuentas/registro/extranjero/")
    page.fill("#id_birth_date", "2999-01-01")
    page.get_by_role("button", name="Crear cuenta").click()
    page.wait_for_load_state()
    # then the page title says there is an error and the summary has the focus
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "La fecha de nacimiento no puede ser futura" in page.inner_text("[data-error-summary]")
    # and its link to the birth date moves the focus to that field
    page.locator("[data-error-summary] a[href='#id_birth_date']").click()
    assert page.evaluate("document.activeElement.id") == "id_birth_date"
    assert _fits(page)


@pytest.mark.parametrize("path", ["/no-existe/", "/ayuda/", "/datos-personales/"])
def test_error_and_trust_pages_fit_a_phone(live_server, browser, path):
    page = _phone(browser)
    page.goto(f"{live_server.url}{path}")
    assert "Superintendencia Nacional de Migraciones" in page.inner_text("header")
    assert page.locator("footer a", has_text="Libro de Reclamaciones").is_visible()
    assert _fits(page)
