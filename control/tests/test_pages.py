"""Officer pages: the counter (MRZ typed or from a photo), the referral queue and the officer's review."""
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from control.models import Crossing
from cuentas.services import user_role_add

from .conftest import data_page_photo, td3

pytestmark = pytest.mark.django_db


def _post_at(user, code: str):
    from rim.demo import seed_crossing_points
    from control.services import officer_post_assign

    seed_crossing_points()
    return officer_post_assign(actor="test", user=user, crossing_point=code)


@pytest.fixture
def officer_client(client, django_user_model):
    officer = django_user_model.objects.create_user(username="oficial.ventanilla", password="x-Secreta-2026")
    user_role_add(user=officer, role="officer")
    _post_at(officer, "AIJCH")
    client.force_login(officer)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=officer, name="t", confirmed=True).persistent_id
    session.save()
    return client


def _counter(client, **fields):
    data = {"direction": "ENTRY", "crossing_point": "AIJCH", "purpose": "TURISMO", "flight": "LA2047", **fields}
    return client.post("/control/", data, follow=True)


def test_counter_with_typed_mrz_shows_every_check(officer_client, crossing_points, external_systems):
    page = _counter(officer_client, mrz="\n".join(td3(number="PW1234567"))).content.decode()
    assert "APROBADO" in page
    # every check by its name in words, never by its code
    for label in ("Validez del documento", "Autenticación del chip", "Alertas de la PNP",
                  "Interpol: documentos robados o perdidos", "Permanencia"):
        assert label in page
    for code in ("document_validity", "passive_authentication", "alerts_pnp", "alerts_interpol_sltd"):
        assert code not in page
    assert "TAM" in page


def test_counter_reads_the_mrz_from_a_photo(officer_client, crossing_points, external_systems):
    # given a photo of a data page (the MRZ printed in a monospace font)
    photo = data_page_photo(td3(number="PX1234567", surname="SMITH", given="JOHN"))
    page = _counter(officer_client, mrz_photo=photo).content.decode()
    # then the crossing is decided for the document in the photo
    assert Crossing.objects.get().document_number == "PX1234567"
    assert "SMITH" in page


def test_referred_traveller_appears_on_the_queue_and_is_admitted(officer_client, crossing_points, external_systems):
    _counter(officer_client, mrz="\n".join(td3(number="PY1234999")))
    crossing = Crossing.objects.get()
    queue = officer_client.get("/control/cola/").content.decode()
    assert "PY1234999" in queue and "Interpol: documentos robados o perdidos: documento reportado como robado" in queue
    assert "alerts_interpol_sltd" not in queue
    # the queue does not reload itself: the page's script asks for the list alone (X-Poll) and says when
    assert 'http-equiv="refresh"' not in queue and "js/poll.js" in queue and "data-poll-status" in queue
    region = officer_client.get("/control/cola/", HTTP_X_POLL="1").content.decode()
    assert "<html" not in region and "PY1234999" in region and "1 viajero derivado." in region
    officer_client.post(f"/control/controles/{crossing.pk}/revision", {"admit": "1", "reason": "Falso positivo SLTD"})
    crossing.refresh_from_db()
    assert crossing.review == "ADMITTED" and crossing.movement_id
    assert "PY1234999" not in officer_client.get("/control/cola/").content.decode()


def test_pages_refuse_citizens(client, django_user_model):
    citizen = django_user_model.objects.create_user(username="70000001", password="x-Secreta-2026")
    user_role_add(user=citizen, role="citizen")
    client.force_login(citizen)
    assert client.get("/control/cola/").status_code == 403


def _staff_client(client, django_user_model, *, username: str, role: str = "officer", post: str | None = None):
    user = django_user_model.objects.create_user(username=username, password="x-Secreta-2026")
    user_role_add(user=user, role=role)
    if post:
        _post_at(user, post)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=user, name="t", confirmed=True).persistent_id
    session.save()
    return client


def test_an_officer_sees_and_rules_only_on_their_own_crossing_points_referrals(client, django_user_model,
                                                                              crossing_points, external_systems):
    from control.services import crossing_decide

    # given a referral at Jorge Chávez and one at the Santa Rosa land border
    crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH", mrz_lines=td3(number="PY1111999"),
                    actor="test")
    tacna = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="CFSR",
                            mrz_lines=td3(number="PY2222999"), actor="test")
    officer = _staff_client(client, django_user_model, username="oficial.aijch", post="AIJCH")
    # when the Jorge Chávez officer opens the queue, the queue API, and the Tacna crossing by its id
    page = officer.get("/control/cola/").content.decode()
    api = officer.get("/api/v1/control/queue").json()
    detail = officer.get(f"/control/controles/{tacna.crossing_id}/")
    review = officer.post(f"/control/controles/{tacna.crossing_id}/revision", {"admit": "1", "reason": "ajeno"})
    # then they see only their own point's traveller, and the other point's crossing does not exist for them
    assert "PY1111999" in page and "PY2222999" not in page
    assert [row["crossing_point"] for row in api] == ["AIJCH"]
    assert detail.status_code == 404
    assert review.status_code == 302
    assert Crossing.objects.get(pk=tacna.crossing_id).review == "PENDING"


def test_the_counter_decides_only_at_the_officers_own_crossing_point(client, django_user_model, crossing_points,
                                                                    external_systems):
    officer = _staff_client(client, django_user_model, username="oficial.cusco", post="AAVA")
    # when a Cusco officer posts a decision for Jorge Chávez
    page = _counter(officer, crossing_point="AIJCH", mrz="\n".join(td3(number="PW7654321")))
    # then nothing is recorded there
    assert not Crossing.objects.filter(crossing_point__code="AIJCH").exists()
    assert page.status_code == 200 and "crossing_point" in page.content.decode()


def test_staff_without_a_crossing_point_are_refused(client, django_user_model, crossing_points):
    officer = _staff_client(client, django_user_model, username="oficial.sin.puesto")
    for url in ("/control/", "/control/cola/", "/api/v1/control/queue"):
        assert officer.get(url).status_code == 403, url


def test_reading_a_crossing_or_the_queue_is_audited_with_the_person(client, django_user_model, crossing_points,
                                                                   external_systems):
    from auditoria.models import AuditEntry
    from control.services import crossing_decide, crossing_review
    from rim.models import CrossingPoint

    # given a traveller in the RIM who was referred (admitted once, then referred again on a new entry)
    first = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH",
                            mrz_lines=td3(number="PY3333999"), actor="test")
    crossing_review(actor="test", crossing_id=first.crossing_id, admit=True, reason="falso positivo",
                    crossing_point=CrossingPoint.objects.get(code="AIJCH"))
    person_id = Crossing.objects.get(pk=first.crossing_id).person_id
    Crossing.objects.filter(pk=first.crossing_id).update(review="PENDING")
    officer = _staff_client(client, django_user_model, username="oficial.lector", post="AIJCH")
    # when the officer opens the queue three times (it refreshes itself) and the crossing once
    for _ in range(3):
        officer.get("/control/cola/")
    officer.get(f"/control/controles/{first.crossing_id}/")
    # then the person sees one look from the queue and one at the crossing, each with its purpose
    reads = AuditEntry.objects.filter(person_id=person_id, kind="read", actor_repr__contains="oficial.lector")
    assert sorted(reads.values_list("action", flat=True)) == ["control.crossing_view", "control.queue_view"]
    assert all(entry.purpose.startswith("control migratorio") for entry in reads)
