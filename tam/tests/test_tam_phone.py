"""The TAM on a phone (Chromium at 375 px): its HTML page and the verification page fit the screen."""
import pytest
from django.core import signing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_html_tam_and_its_check_fit_a_phone(tam, live_server, browser):
    # given a TAM and a phone-sized browser
    from tam.views import DOWNLOAD_SALT

    page = browser.new_context(viewport={"width": 375, "height": 740}, locale="es-PE").new_page()
    # when the holder opens their TAM as a page
    token = signing.dumps(tam.number, salt=DOWNLOAD_SALT)
    page.goto(f"{live_server.url}/tam/documento/{token}/")
    # then it reads without sideways scrolling, the QR within the screen
    assert "ROJAS" in page.inner_text("body") and _fits(page)
    # and a border officer who checks its seal sees an unmistakable verdict on the same phone
    page.goto(f"{live_server.url}/tam/verificar/?numero={tam.number}")
    assert page.locator('[data-result="VALID"]').is_visible() and _fits(page)
