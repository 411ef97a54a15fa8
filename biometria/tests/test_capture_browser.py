"""The capture page in Chromium: while the server processes the capture (3-5 s) the officer sees it is busy
and cannot send it twice."""
import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _capture_page(browser, live_server, officer, **context_options):
    """The capture page open for an officer who has passed TOTP."""
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = Client()
    client.force_login(officer)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    context = browser.new_context(locale="es-PE", **context_options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/biometria/captura/")
    return page


def test_the_form_is_busy_and_sent_once_while_the_capture_is_processed(
        live_server, browser, officer, make_person, faces_dir, fingers_dir, signature_png, tmp_path, gallery_tmp):
    # given an officer past TOTP on the capture page
    page = _capture_page(browser, live_server, officer, viewport={"width": 1024, "height": 900})
    page.get_by_label("Persona (id del RIM)").fill(str(make_person()))
    page.get_by_label("Subir la foto del rostro").set_input_files(str(faces_dir / "biden.jpg"))
    page.get_by_label("Huella: índice derecho").set_input_files(str(fingers_dir / "jmrtd_fp.wsq"))
    for finger in ("pulgar derecho", "medio derecho", "anular derecho", "meñique derecho", "pulgar izquierdo",
                   "índice izquierdo", "medio izquierdo", "anular izquierdo", "meñique izquierdo"):
        page.get_by_label(f"Si no se captura el {finger}: motivo").select_option("AMPUTATED")
    signature = tmp_path / "firma.png"
    signature.write_bytes(signature_png)
    page.get_by_label("Subir la firma").set_input_files(str(signature))
    # (what the page shows the moment it is sent, noted after the page's own handler has run)
    page.evaluate("""() => document.getElementById('enroll-form').addEventListener('submit', () => {
        sessionStorage.setItem('at_submit', JSON.stringify({
          disabled: document.getElementById('enroll-submit').disabled,
          busy: document.getElementById('enroll-form').getAttribute('aria-busy'),
          status: document.getElementById('enroll-busy').textContent}));
    })""")
    # when the officer sends it
    page.get_by_role("button", name="Registrar enrolamiento").click()
    page.wait_for_url("**/biometria/enrolamientos/**", timeout=30000)
    # then at once the button was disabled, the form busy and a status said what was happening
    at_submit = page.evaluate("() => JSON.parse(sessionStorage.getItem('at_submit'))")
    assert at_submit["disabled"] is True and at_submit["busy"] == "true"
    assert "de 3 a 5 segundos" in at_submit["status"]
    # and the enrollment is recorded once, on its page
    from biometria.models import Enrollment
    assert Enrollment.objects.count() == 1


def test_the_camera_shows_a_framing_guide_a_preview_and_a_retake(live_server, browser, officer):
    # given Chromium with a (fake) camera, and an officer past TOTP on the capture page
    from conftest import CHROMIUM, CHROMIUM_FLAGS

    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_FLAGS + ["--use-fake-device-for-media-stream",
                                                         "--use-fake-ui-for-media-stream"])
    try:
        page = _capture_page(camera_browser, live_server, officer, permissions=["camera"])
        # when the officer opens the camera: the live view, named, with the oval guide
        page.get_by_role("button", name="Usar la cámara").click()
        video = page.get_by_label("Vista de la cámara: encuadre el rostro dentro del óvalo")
        video.wait_for(state="visible")
        assert page.locator(".camera-guide").is_visible()
        for _ in range(50):  # the first frame (wait_for_function would need eval, which the CSP refuses)
            if page.evaluate("() => document.getElementById('camera').videoWidth > 0"):
                break
            page.wait_for_timeout(100)
        # and takes the photo: a preview replaces the live view, with a retake, and the quality is checked
        page.get_by_role("button", name="Tomar foto").click()
        assert page.get_by_role("img", name="Vista previa de la foto tomada").is_visible() and not video.is_visible()
        page.locator("#quality p").first.wait_for()
        retake = page.get_by_role("button", name="Repetir foto")
        assert retake.is_visible()
        # when the officer retakes it, the live view is back and the shot is dropped
        retake.click()
        assert video.is_visible() and page.locator("#face-data").is_disabled()
    finally:
        camera_browser.close()
