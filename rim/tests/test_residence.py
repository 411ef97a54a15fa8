"""Calidad migratoria, permisos especiales and prórrogas de permanencia: the RIM side of procedures."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from auditoria.models import AuditEntry
from core.errors import Conflict, ValidationFailed
from rim import selectors, services
from rim.models import Movement, Permit, ResidenceStatus

from .factories import CrossingPointFactory, IdentityDocumentFactory, PersonFactory
from .test_views import staff_factories

pytestmark = pytest.mark.django_db


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="oficial.residencia", password="x-Secreta-2026")


@pytest.fixture
def foreigner():
    person = PersonFactory(given_names="Yusneidy", first_surname="Briceño", second_surname="Rondón", nationality="VEN")
    IdentityDocumentFactory(person=person, kind="PASAPORTE_EXTRANJERO", number="V55512345", issuing_state="VEN")
    return person


def _enter(person, *, days_ago: int, direction: str = "ENTRY") -> Movement:
    return services.movement_record(actor="sistema:prueba", person=person, direction=direction,
                                    crossing_point=CrossingPointFactory(), channel="COUNTER",
                                    occurred_at=timezone.now() - dt.timedelta(days=days_ago))


def test_a_new_calidad_replaces_the_one_in_force_and_both_changes_are_audited(officer, foreigner):
    # given a foreigner with a CPP in force
    cpp = services.residence_status_set(actor=officer, person=foreigner, calidad="CPP", valid_from=_days(-200),
                                        valid_until=_days(165), reference="CPP-2026-0001")
    assert selectors.residence_status_current(person_id=foreigner.pk) == cpp
    # when a cambio de calidad to Especial Residente is recorded
    special = services.residence_status_set(actor=officer, person=foreigner, calidad="ESPECIAL_RESIDENTE",
                                            valid_from=_days(0), valid_until=_days(365), reference="LM-2026-77")
    # then the new one is the calidad in force and the CPP is kept as replaced
    cpp.refresh_from_db()
    assert cpp.status == ResidenceStatus.Status.REEMPLAZADA
    assert selectors.residence_status_current(person_id=foreigner.pk) == special
    assert foreigner.residence_statuses.filter(status="VIGENTE").count() == 1
    assert special.recorded_by == "oficial.residencia" and special.get_calidad_display() == "Especial Residente"
    # and the log has the new calidad and the replacement, with the person
    actions = list(AuditEntry.objects.filter(person_id=foreigner.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["rim.residence_status_set", "rim.residence_status_supersede", "rim.residence_status_set"]


def test_the_database_refuses_a_second_calidad_in_force(foreigner):
    ResidenceStatus.objects.create(person=foreigner, calidad="PTP", valid_from=_days(-10), recorded_by="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceStatus.objects.create(person=foreigner, calidad="CPP", valid_from=_days(-5), recorded_by="x")


def test_a_calidad_ending_before_it_starts_is_refused_naming_the_field(officer, foreigner):
    with pytest.raises(ValidationFailed) as exc:
        services.residence_status_set(actor=officer, person=foreigner, calidad="ESTUDIANTE", valid_from=_days(0),
                                      valid_until=_days(-1))
    assert "valid_until" in exc.value.fields and not ResidenceStatus.objects.exists()


def test_an_expired_or_future_calidad_is_not_in_force(officer, foreigner):
    services.residence_status_set(actor=officer, person=foreigner, calidad="TRABAJADOR_RESIDENTE",
                                  valid_from=_days(-400), valid_until=_days(-1))
    assert selectors.residence_status_current(person_id=foreigner.pk) is None
    assert selectors.residence_status_current(person_id=foreigner.pk, on=_days(-2)) is not None


def test_a_prorroga_de_residencia_keeps_the_calidad_with_a_later_end(officer, foreigner):
    # given a resident worker whose residence ends in 60 days
    worker = services.residence_status_set(actor=officer, person=foreigner, calidad="TRABAJADOR_RESIDENTE",
                                           valid_from=_days(-300), valid_until=_days(60))
    # when the prórroga is recorded
    extended = services.residence_status_extend(actor=officer, person=foreigner, valid_until=_days(425),
                                                reference="LM-2026-0100")
    # then the calidad and its start are the same, the end is the new one, the old record is replaced
    worker.refresh_from_db()
    assert (extended.calidad, extended.valid_from, extended.valid_until) == ("TRABAJADOR_RESIDENTE", _days(-300),
                                                                             _days(425))
    assert worker.status == "REEMPLAZADA" and extended.reference == "LM-2026-0100"
    assert selectors.residence_status_current(person_id=foreigner.pk, on=_days(200)) == extended


def test_a_prorroga_is_refused_without_a_calidad_in_force(officer, foreigner):
    with pytest.raises(Conflict) as exc:
        services.residence_status_extend(actor=officer, person=foreigner, valid_until=_days(100))
    assert exc.value.message == "La persona no tiene una calidad migratoria vigente que prorrogar."
    # an expired one is not in force either
    services.residence_status_set(actor=officer, person=foreigner, calidad="ESTUDIANTE", valid_from=_days(-400),
                                  valid_until=_days(-3))
    with pytest.raises(Conflict):
        services.residence_status_extend(actor=officer, person=foreigner, valid_until=_days(100))
    assert not AuditEntry.objects.filter(action="rim.residence_status_supersede").exists()


def test_a_prorroga_is_refused_when_the_new_end_is_not_later(officer, foreigner):
    services.residence_status_set(actor=officer, person=foreigner, calidad="ESTUDIANTE", valid_from=_days(-30),
                                  valid_until=_days(60))
    for not_later in (_days(60), _days(10)):
        with pytest.raises(ValidationFailed) as exc:
            services.residence_status_extend(actor=officer, person=foreigner, valid_until=not_later)
        assert "valid_until" in exc.value.fields and "posterior al" in exc.value.message
    assert foreigner.residence_statuses.count() == 1


def test_an_indefinite_calidad_is_not_extended(officer, foreigner):
    services.residence_status_set(actor=officer, person=foreigner, calidad="RESIDENTE_PERMANENTE",
                                  valid_from=_days(-30), valid_until=None)
    with pytest.raises(Conflict):
        services.residence_status_extend(actor=officer, person=foreigner, valid_until=_days(600))


def test_travel_permits_in_force_and_the_days_used(officer, foreigner):
    # given two travel permits and a revoked one
    first = services.permit_grant(actor=officer, person=foreigner, kind="VIAJE", valid_from=_days(-40),
                                  valid_until=_days(-31), reference="PEV-1")
    current = services.permit_grant(actor=officer, person=foreigner, kind="VIAJE", valid_from=_days(-2),
                                    valid_until=_days(12), reference="PEV-2")
    revoked = services.permit_grant(actor=officer, person=foreigner, kind="VIAJE", valid_from=_days(20),
                                    valid_until=_days(29))
    services.permit_revoke(actor=officer, permit=revoked, reason="viaje cancelado por el titular")
    # then only the current one is in force today, and only for travel
    assert list(selectors.permits_in_force(person_id=foreigner.pk, kind="VIAJE")) == [current]
    assert not selectors.permits_in_force(person_id=foreigner.pk, kind="FIRMA_CONTRATOS").exists()
    assert list(selectors.permits_in_force(person_id=foreigner.pk, kind="VIAJE", on=_days(-35))) == [first]
    # and the days used count each covered day once (10 + 15), from the date asked
    assert selectors.travel_permit_days_used(person_id=foreigner.pk, since=_days(-365)) == 25
    assert selectors.travel_permit_days_used(person_id=foreigner.pk, since=_days(0)) == 13
    # a revoked permit cannot be revoked again
    with pytest.raises(Conflict):
        services.permit_revoke(actor=officer, permit=revoked, reason="otra vez")
    assert AuditEntry.objects.filter(action="rim.permit_grant").count() == 3
    assert AuditEntry.objects.filter(action="rim.permit_revoke").count() == 1


def test_a_permit_ending_before_it_starts_is_refused(officer, foreigner):
    with pytest.raises(ValidationFailed) as exc:
        services.permit_grant(actor=officer, person=foreigner, kind="FIRMA_CONTRATOS", valid_from=_days(5),
                              valid_until=_days(4))
    assert "valid_until" in exc.value.fields and not Permit.objects.exists()


def test_a_prorroga_de_permanencia_lands_on_the_last_entry(officer, foreigner):
    # given a visitor who came in 60 days ago (after an earlier trip)
    _enter(foreigner, days_ago=400)
    _enter(foreigner, days_ago=380, direction="EXIT")
    entry = _enter(foreigner, days_ago=60)
    # when two prórrogas are recorded
    services.stay_extend(actor=officer, person=foreigner, extra_days=30, reference="PP-2026-1")
    services.stay_extend(actor=officer, person=foreigner, extra_days=15)
    # then both are on that entry
    assert selectors.stay_extension_days(entry_id=entry.pk) == 45
    assert AuditEntry.objects.filter(action="rim.stay_extend", person_id=foreigner.pk).count() == 2


def test_a_prorroga_de_permanencia_is_refused_outside_the_country(officer, foreigner):
    # never entered
    with pytest.raises(Conflict) as exc:
        services.stay_extend(actor=officer, person=foreigner, extra_days=30)
    assert "no se encuentra en el país" in exc.value.message
    # entered and left
    _enter(foreigner, days_ago=90)
    _enter(foreigner, days_ago=10, direction="EXIT")
    with pytest.raises(Conflict):
        services.stay_extend(actor=officer, person=foreigner, extra_days=30)
    with pytest.raises(ValidationFailed):
        services.stay_extend(actor=officer, person=foreigner, extra_days=0)
    assert not AuditEntry.objects.filter(action="rim.stay_extend").exists()


def test_the_person_page_shows_calidad_permits_and_prorrogas_in_words(client, officer, foreigner):
    # given a CPP holder with a travel permit and a prórroga on her entry
    services.residence_status_set(actor=officer, person=foreigner, calidad="CPP", valid_from=dt.date(2026, 1, 5),
                                  valid_until=dt.date(2027, 1, 4), reference="CPP-2026-0931")
    services.permit_grant(actor=officer, person=foreigner, kind="VIAJE", valid_from=_days(-1), valid_until=_days(20),
                          reference="PEV-2026-0042")
    _enter(foreigner, days_ago=30)
    services.stay_extend(actor=officer, person=foreigner, extra_days=30, reference="PP-2026-9")
    staff = staff_factories.staff("oficial.brena", "officer", staff_factories.office())
    staff_factories.login_staff(client, staff)
    # when an officer opens her page
    body = client.get(reverse("rim:person_detail", args=[foreigner.pk]), {"finalidad": "ATENCION_SEDE"}).content.decode()
    # then the calidad, its validity, the permit and the prórroga are there in words
    assert "Calidad migratoria" in body
    assert "Carné de Permiso Temporal de Permanencia (CPP)" in body
    assert "del 5 de enero de 2026 al 4 de enero de 2027" in body and "referencia CPP-2026-0931" in body
    assert "Permiso especial de viaje" in body and "PEV-2026-0042" in body and "vigente" in body
    assert "30 días más sobre el ingreso del" in body and "Aeropuerto Internacional Jorge Chávez" in body


def test_a_peruvians_page_has_no_migratory_state_sections(client):
    # given a Peruvian with nothing of the sort
    person = PersonFactory(nationality="PER")
    staff = staff_factories.staff("oficial.brena", "officer", staff_factories.office())
    staff_factories.login_staff(client, staff)
    body = client.get(reverse("rim:person_detail", args=[person.pk]), {"finalidad": "ATENCION_SEDE"}).content.decode()
    # then the page does not ask about a calidad migratoria
    assert person.full_name in body and "Calidad migratoria" not in body and "Prórrogas de permanencia" not in body
