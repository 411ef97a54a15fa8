"""Public TAM look-ups: throttled per address and per document, closed without the cache, downloads audited
(issue 10, item 9)."""
import datetime as dt

import pytest

from auditoria.models import AuditEntry

pytestmark = pytest.mark.django_db


def _guess(client, day: dt.date, **extra):
    return client.post("/tam/", {"document_number": "PV1234567", "nationality": "CHL",
                                 "birth_date": day.isoformat()}, **extra)


def test_guessing_the_birth_date_from_many_addresses_is_stopped_per_document(client, tam, settings):
    # given an attacker who knows the passport number and tries one birth date per address,
    # each with a forged X-Forwarded-For as well
    start = dt.date(1990, 1, 1)
    answers = [_guess(client, start + dt.timedelta(days=i), REMOTE_ADDR=f"203.0.113.{i + 1}",
                      HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(125)]
    # then after the document's five attempts every guess is refused, the right one included
    assert answers[:5] == [200] * 5 and set(answers[5:]) == {429}
    right = _guess(client, dt.date(1990, 4, 2), REMOTE_ADDR="192.0.2.1")
    assert right.status_code == 429 and tam.number not in right.content.decode()
    assert "Demasiados intentos" in right.content.decode() and int(right["Retry-After"]) > 0


def test_one_address_cannot_sweep_many_documents(client, tam, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "tam_download_ip": "3/hour"}
    codes = [client.post("/tam/", {"document_number": f"PV00000{i}", "nationality": "CHL",
                                   "birth_date": "1990-04-02"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_seal_api_throttle_ignores_a_forged_forwarded_for(client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "tam_verify_ip": "3/min"}
    # given a client that sends a new X-Forwarded-For with each request
    codes = [client.post("/api/v1/tam/verify", {"seal": "x"}, content_type="application/json",
                         HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    # then the fourth is throttled all the same, in the API's error shape
    assert codes[:3] == [200] * 3 and codes[3] == 429
    answer = client.post("/api/v1/tam/verify", {"seal": "x"}, content_type="application/json")
    assert answer.json()["error"] == "throttled" and "Retry-After" in answer


def test_behind_the_configured_proxy_the_client_is_the_address_it_saw(client, settings):
    settings.TRUSTED_PROXIES = 1
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "tam_verify_ip": "2/min"}
    # given our proxy (REMOTE_ADDR) appending the real client to whatever the client forged
    def post(forged: str):
        return client.post("/api/v1/tam/verify", {"seal": "x"}, content_type="application/json",
                           REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.50").status_code
    # then the forged part changes nothing: the client is 203.0.113.50
    assert [post("1.1.1.1"), post("2.2.2.2"), post("3.3.3.3")] == [200, 200, 429]


def test_without_the_cache_public_lookups_fail_closed(client, settings):
    # given the cache (Redis) down
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    # then the API answers 503 in its error shape, not a 500
    api = client.post("/api/v1/tam/verify", {"seal": "x"}, content_type="application/json")
    assert api.status_code == 503 and api.json()["error"] == "throttle_unavailable"
    # and the download page refuses the search with a message
    page = client.post("/tam/", {"document_number": "PV1234567", "nationality": "CHL", "birth_date": "1990-04-02"})
    assert page.status_code == 503 and "Inténtelo de nuevo" in page.content.decode()


def test_each_download_is_audited_for_the_traveller(client, tam):
    page = _guess(client, dt.date(1990, 4, 2))
    token = page.context["tams"][0][1]
    # when the traveller downloads the PDF and opens the page
    assert client.get(f"/tam/documento/{token}/pdf").status_code == 200
    assert client.get(f"/tam/documento/{token}/").status_code == 200
    # then each is a read in the audit log, with the person and the purpose
    entries = AuditEntry.objects.filter(action="tam.download").order_by("id")
    assert [e.details["via"] for e in entries] == ["pdf", "page"]
    assert {e.kind for e in entries} == {"read"}
    assert {e.person_id for e in entries} == {tam.crossing.person_id} and tam.crossing.person_id is not None
    assert all(e.purpose for e in entries)
