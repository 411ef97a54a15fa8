"""Control honours the RIM's calidad migratoria: a CPP holder leaves only with a permiso especial de
viaje in force, a resident by calidad has no visitor's stay, and a prórroga de permanencia lengthens it."""
import datetime as dt
from html import unescape

import pytest
from django.utils import timezone

from control.models import Check, Crossing
from control.services import Boarding, crossing_decide
from rim import services as rim_services
from rim.models import Movement

from .conftest import td3
from .test_pages import _counter, officer_client  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

VENEZUELAN = dict(number="VE7654321", state="VEN", surname="BRICENO RONDON", given="YUSNEIDY",
                  birth=dt.date(1992, 11, 8), sex="F")


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def cpp_holder(crossing_points):
    """A Venezuelan who entered eight months ago and holds a CPP in force for a year more."""
    person = rim_services.person_create(actor="sistema:prueba", given_names="YUSNEIDY", first_surname="BRICEÑO",
                                        second_surname="RONDÓN", birth_date=VENEZUELAN["birth"], sex="F",
                                        nationality="VEN")
    passport = rim_services.document_add(actor="sistema:prueba", person=person, kind="PASAPORTE_EXTRANJERO",
                                         number="VE7654321", issuing_state="VEN", expiry_date=_days(900))
    rim_services.movement_record(actor="sistema:prueba", person=person, direction="ENTRY",
                                 crossing_point=crossing_points["AIJCH"], channel="COUNTER", document=passport,
                                 occurred_at=timezone.now() - dt.timedelta(days=240))
    rim_services.residence_status_set(actor="sistema:prueba", person=person, calidad="CPP", valid_from=_days(-150),
                                      valid_until=_days(365), reference="CPP-2026-0931127")
    return person


def _check(crossing_id: int, name: str) -> Check:
    return Check.objects.get(crossing_id=crossing_id, name=name)


def test_a_cpp_holder_without_a_travel_permit_is_referred_at_exit_with_the_reason(officer_client, cpp_holder,
                                                                                  external_systems):
    # when she presents her passport at the counter to leave
    response = _counter(officer_client, mrz="\n".join(td3(**VENEZUELAN)), direction="EXIT")
    page = unescape(response.content.decode())
    # then she is referred, and the officer reads why in words on the crossing page
    crossing = Crossing.objects.get()
    assert crossing.decision == "REFER" and crossing.direction == "EXIT" and crossing.movement_id is None
    check = _check(crossing.pk, "special_travel_permit")
    assert check.result == "FAIL" and check.required
    assert "Permiso especial de viaje" in page
    assert "titular de CPP sin permiso especial de viaje vigente" in page
    assert "special_travel_permit" not in page
    # and her stay is no visitor's: she is a resident by her calidad
    assert _check(crossing.pk, "permitted_stay").result == "PASS"
    assert crossing.reasons == ["special_travel_permit: titular de CPP sin permiso especial de viaje vigente"]
    # and nothing was recorded as an exit
    assert not Movement.objects.filter(person=cpp_holder, direction="EXIT").exists()


def test_a_cpp_holder_with_a_travel_permit_in_force_leaves(officer_client, cpp_holder, external_systems):
    # given a permiso especial de viaje in force today
    rim_services.permit_grant(actor="sistema:prueba", person=cpp_holder, kind="VIAJE", valid_from=_days(-1),
                              valid_until=_days(20), reference="PEV-2026-0042")
    # when she leaves through the counter
    response = _counter(officer_client, mrz="\n".join(td3(**VENEZUELAN)), direction="EXIT")
    page = unescape(response.content.decode())
    # then she passes, the check names the permit, and the exit is in the RIM
    crossing = Crossing.objects.get()
    assert crossing.decision == "PASS", crossing.reasons
    check = _check(crossing.pk, "special_travel_permit")
    assert check.result == "PASS" and check.details["permit_id"]
    until = f"{_days(20):%d/%m/%Y}"
    assert f"titular de CPP con permiso especial de viaje PEV-2026-0042, vigente hasta {until}" in page
    assert Movement.objects.filter(person=cpp_holder, direction="EXIT").exists()


def test_an_expired_or_revoked_travel_permit_does_not_count(officer_client, cpp_holder, external_systems):
    rim_services.permit_grant(actor="sistema:prueba", person=cpp_holder, kind="VIAJE", valid_from=_days(-30),
                              valid_until=_days(-1), reference="PEV-VIEJO")
    revoked = rim_services.permit_grant(actor="sistema:prueba", person=cpp_holder, kind="VIAJE",
                                        valid_from=_days(0), valid_until=_days(10), reference="PEV-REVOCADO")
    rim_services.permit_revoke(actor="sistema:prueba", permit=revoked, reason="viaje anulado")
    rim_services.permit_grant(actor="sistema:prueba", person=cpp_holder, kind="FIRMA_CONTRATOS", valid_from=_days(0),
                              valid_until=_days(30))
    _counter(officer_client, mrz="\n".join(td3(**VENEZUELAN)), direction="EXIT")
    crossing = Crossing.objects.get()
    assert crossing.decision == "REFER" and _check(crossing.pk, "special_travel_permit").result == "FAIL"


def test_the_travel_permit_check_is_skipped_for_others_and_on_entry(crossing_points, external_systems):
    # given a resident worker (by calidad alone, no carné in the RIM) who entered years ago
    worker = rim_services.person_create(actor="sistema:prueba", given_names="MARTIN", first_surname="FERNANDEZ",
                                        birth_date=dt.date(1984, 9, 30), sex="M", nationality="ARG")
    passport = rim_services.document_add(actor="sistema:prueba", person=worker, kind="PASAPORTE_EXTRANJERO",
                                         number="AAA501234", issuing_state="ARG")
    rim_services.movement_record(actor="sistema:prueba", person=worker, direction="ENTRY", document=passport,
                                 crossing_point=crossing_points["AIJCH"], channel="COUNTER",
                                 occurred_at=timezone.now() - dt.timedelta(days=1400))
    rim_services.residence_status_set(actor="sistema:prueba", person=worker, calidad="TRABAJADOR_RESIDENTE",
                                      valid_from=_days(-1000), valid_until=_days(60))
    # when he leaves, and a tourist enters
    leaving = crossing_decide(channel="COUNTER", direction="EXIT", crossing_point="AIJCH", actor="sistema:prueba",
                              mrz_lines=td3(number="AAA501234", state="ARG", surname="FERNANDEZ", given="MARTIN",
                                            birth=dt.date(1984, 9, 30)))
    entering = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH",
                               mrz_lines=td3(number="AO1234567", state="COL", surname="GOMEZ", given="LUIS"),
                               boarding=Boarding(purpose="TURISMO"), actor="sistema:prueba")
    # then neither needs a permiso especial de viaje, and the worker's years here are no overstay
    for decision in (leaving, entering):
        assert decision.decision == "PASS", decision.reasons
        results = {c.name: (c.result, c.required) for c in decision.checks}
        assert results["special_travel_permit"] == ("SKIPPED", False)
    stay = {c.name: c.reason for c in leaving.checks}["permitted_stay"]
    assert stay == "extranjero residente (calidad migratoria, carné o PTP vigente)"


def test_an_extended_tourist_leaves_without_a_fine(officer_client, crossing_points, external_systems):
    # given a Colombian tourist who entered 100 days ago with 90 days granted
    mrz = td3(number="AO7654321", state="COL", surname="RESTREPO GOMEZ", given="CAMILA ANDREA", sex="F",
              birth=dt.date(1996, 2, 14))
    entered = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                              boarding=Boarding(purpose="OTRO"), actor="sistema:prueba")
    assert entered.decision == "PASS" and Crossing.objects.get(pk=entered.crossing_id).days_granted == 90
    Movement.objects.filter(pk=entered.movement_id).update(occurred_at=timezone.now() - dt.timedelta(days=100))
    # and a prórroga de permanencia of 30 days on that entry
    person = Movement.objects.get(pk=entered.movement_id).person
    extension = rim_services.stay_extend(actor="sistema:prueba", person=person, extra_days=30,
                                         reference="PP-2026-0007")
    assert extension.entry_id == entered.movement_id
    # when she leaves through the counter
    page = unescape(_counter(officer_client, mrz="\n".join(mrz), direction="EXIT").content.decode())
    # then she passes without a fine: 101 days stayed of the 120 granted
    leaving = Crossing.objects.filter(direction="EXIT").get()
    assert leaving.decision == "PASS", leaving.reasons
    assert leaving.overstay_days == 0 and leaving.fine_amount == 0
    assert "permaneció 101 de 120 días otorgados" in page


def test_without_the_prorroga_the_same_tourist_is_fined(officer_client, crossing_points, external_systems):
    mrz = td3(number="AO7654322", state="COL", surname="RESTREPO GOMEZ", given="CAMILA ANDREA", sex="F",
              birth=dt.date(1996, 2, 14))
    entered = crossing_decide(channel="COUNTER", direction="ENTRY", crossing_point="AIJCH", mrz_lines=mrz,
                              boarding=Boarding(purpose="OTRO"), actor="sistema:prueba")
    Movement.objects.filter(pk=entered.movement_id).update(occurred_at=timezone.now() - dt.timedelta(days=100))
    _counter(officer_client, mrz="\n".join(mrz), direction="EXIT")
    leaving = Crossing.objects.filter(direction="EXIT").get()
    assert leaving.decision == "REFER" and leaving.overstay_days == 11 and leaving.fine_amount > 0


def test_the_demo_tourist_has_90_days_granted_and_the_demo_cpp_holder_is_referred_at_exit(
        officer_client, crossing_points, external_systems):
    from control.demo import demo_entry_crossings
    from rim.demo import seed_registry

    # given the demo registry and control's record of the tourist's entry (made once)
    seed_registry(persons=20, batch_size=20)
    assert demo_entry_crossings() == 1 and demo_entry_crossings() == 0
    entry = Crossing.objects.get(document_number="AO9012345")
    assert entry.days_granted == 90 and entry.decision == "PASS" and entry.movement.direction == "ENTRY"
    # when the demo tourist leaves today, she is within her stay: 61 of 90 days
    tourist = td3(number="AO9012345", state="COL", surname="RESTREPO GOMEZ", given="CAMILA ANDREA", sex="F",
                  birth=dt.date(1996, 2, 14))
    page = unescape(_counter(officer_client, mrz="\n".join(tourist), direction="EXIT").content.decode())
    assert "permaneció 61 de 90 días otorgados" in page
    # and the demo CPP holder, without a travel permit, is referred at exit
    ana = td3(number="VE1234567", state="VEN", surname="RODRIGUEZ PEREZ", given="ANA MARIA", sex="F",
              birth=dt.date(1992, 11, 8))
    page = unescape(_counter(officer_client, mrz="\n".join(ana), direction="EXIT").content.decode())
    assert "titular de CPP sin permiso especial de viaje vigente" in page
