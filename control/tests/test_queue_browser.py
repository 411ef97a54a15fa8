"""The referral queue in Chromium: a new referral appears without the page reloading, and the status says when."""
import pytest

from .conftest import td3
from .test_pages import _counter, officer_client  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_referral_appears_on_the_open_queue_without_a_reload(browser, live_server, officer_client,
                                                                   crossing_points, external_systems):
    # given an officer's queue open in the browser (their signed-in session), empty
    context = browser.new_context(locale="es-PE")
    context.add_cookies([{"name": "sessionid", "value": officer_client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/control/cola/")
    assert "No hay viajeros derivados." in page.inner_text("main")
    page.evaluate("window.__sameDocument = true")
    # when a traveller is referred at the counter meanwhile
    _counter(officer_client, mrz="\n".join(td3(number="PY1234999")))
    # then the list shows them within a few seconds, in the same document (no reload), and the
    # status line, read by screen readers, says when it was updated and how many are waiting
    page.wait_for_selector("text=PY1234999", timeout=15_000)
    assert page.evaluate("window.__sameDocument === true")
    status = page.locator("[data-poll-status]")
    assert status.get_attribute("aria-live") == "polite"
    assert "Actualizado a las" in status.inner_text() and "1 viajero derivado." in status.inner_text()
