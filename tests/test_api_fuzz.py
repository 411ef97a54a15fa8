"""Schemathesis over /api/schema/ against a live test server: no input makes the API fail with a 5xx.

Every operation gets generated requests (bodies included), each signed as the demo e-gate signs
(cuentas.authentication), so device operations are fuzzed past the signature. The applicant's
operations of tramites go as a signed-in foreigner (session and CSRF token) on her own draft, so
they are fuzzed past the sign-in and the 404 of someone else's case. Bounded for CI:
SCHEMATHESIS_MAX_EXAMPLES per operation (default 25); the whole file runs in about a minute.
Run alone with `pytest -m fuzz`, or leave it out with `-m "not fuzz"`.
"""
import json
import os
import time
import uuid

import pytest
import requests
import schemathesis  # noqa: F401 (the OpenAPI loader)
from hypothesis import HealthCheck, Phase, settings

from cuentas.authentication import sign

pytestmark = [pytest.mark.fuzz]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
GATE = {"key_id": "GATE-FUZZ-01", "secret": "fuzz-gate-secret-0123456789abcdef0123456789"}
FIGURES = {"operations": set(), "requests": 0, "statuses": {}, "by_operation": {}}


class DeviceSigning(requests.auth.AuthBase):
    """Sign each prepared request over its exact bytes: method, path with query, body hash."""

    def __call__(self, request):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        ts, nonce = str(int(time.time())), uuid.uuid4().hex
        request.headers.update({
            "X-Device-Key": GATE["key_id"], "X-Timestamp": ts, "X-Nonce": nonce,
            "X-Signature": sign(GATE["secret"], request.method, request.path_url, ts, nonce, body)})
        return request


class Applicant:
    """A signed-in foreigner with a draft prórroga: the tramites operations are fuzzed on her own case."""

    PATHS = "/api/v1/tramites/"
    CSRF = "fuzzcsrf" * 4

    def __init__(self, live_server):
        from django.conf import settings as django_settings
        from django.test import Client

        from tramites import services
        from tramites.tests.conftest import account, catalogues_load, lima_office, resident_worker

        catalogues_load()
        lima_office()
        user = account(resident_worker())
        self.case_id = services.case_draft_start(user=user, procedure_code="PRORROGA_RESIDENCIA", actor=user).pk
        client = Client()
        client.force_login(user)
        self.session = requests.Session()
        # A Cookie header: requests' jar did not send cookies set for the live server's bare IP address.
        session_id = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        self.session.headers.update({"X-CSRFToken": self.CSRF, "Cookie": (
            f"{django_settings.SESSION_COOKIE_NAME}={session_id}; {django_settings.CSRF_COOKIE_NAME}={self.CSRF}")})

    def prepare(self, case) -> bool:
        """Point a tramites operation at her case, document and procedure; False for other operations."""
        if not case.path.startswith(self.PATHS):
            return False
        fixed = {"case_id": self.case_id, "key": "pasaporte", "code": "PRORROGA_RESIDENCIA"}
        for name in case.path_parameters or {}:
            if name in fixed:
                case.path_parameters[name] = fixed[name]
        return True


@pytest.fixture
def applicant(live_server, transactional_db, external_systems, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "tramites_api_ip": "100000/hour",
                               "tramites_api_user": "100000/hour"}
    return Applicant(live_server)


@pytest.fixture
def api_schema(live_server, transactional_db):
    from cuentas.services import device_register
    from rim.demo import seed_crossing_points

    seed_crossing_points()

    device_register(key_id=GATE["key_id"], secret=GATE["secret"], crossing_point="AIJCH", actor="fuzz")
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    schema.config.base_url = live_server.url
    return schema


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    yield
    if FIGURES["requests"]:
        summary = {"operations": len(FIGURES["operations"]), "requests": FIGURES["requests"],
                   "statuses": dict(sorted(FIGURES["statuses"].items()))}
        print("\nschemathesis:", json.dumps(summary))
        for (operation, status), count in sorted(FIGURES["by_operation"].items()):
            print(f"  {operation:<55} {status} x{count}")


def test_no_request_makes_the_api_fail(api_schema, applicant):
    """Each operation of the schema, MAX_EXAMPLES generated requests each: none is answered with a 5xx."""
    from hypothesis import given
    from schemathesis.checks import not_a_server_error

    session = requests.Session()
    session.auth = DeviceSigning()
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            response = case.call(session=applicant.session if applicant.prepare(case) else session, timeout=30)
            FIGURES["operations"].add(f"{case.method} {case.path}")
            FIGURES["requests"] += 1
            FIGURES["statuses"][response.status_code] = FIGURES["statuses"].get(response.status_code, 0) + 1
            key = (f"{case.method} {case.path}", response.status_code)
            FIGURES["by_operation"][key] = FIGURES["by_operation"].get(key, 0) + 1
            case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
