"""The Django admin, as officers use it over HTTP: every person it shows is in the audit log with
purpose "admin" (so each person sees it), registry data cannot be changed there, and a NUL
character in a search or filter is a 400, not a 500."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from auditoria.admin_mixins import AuditedAdminMixin, AuditedWritesAdminMixin
from auditoria.models import AuditEntry
from auditoria.selectors import audit_chain_verify, person_access_log
from rim import services as rim_services
from rim.models import Alert, Person
from rim.tests.factories import AlertFactory, CrossingPointFactory, IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(client):
    user = get_user_model().objects.create_superuser(username="supervisor", password="x-Secreta-2024", email="s@x.pe")
    client.force_login(user)
    return user


def _admin_reads(**filters):
    return AuditEntry.objects.filter(kind="read", purpose="admin", **filters)


def test_a_search_in_the_person_list_is_audited_for_each_person_shown(client, supervisor):
    # given three persons named Quispe and one other
    quispes = [PersonFactory(given_names=name) for name in ("Rosa", "Ana", "Luz")]
    other = PersonFactory(first_surname="Núñez")
    # when an officer searches "quispe" in the admin
    response = client.get(reverse("admin:rim_person_changelist"), {"q": "quispe"})
    # then each Quispe shown (and nobody else) finds the look-up in "who looked at my data", with the query
    assert response.status_code == 200
    for person in quispes:
        (entry,) = person_access_log(person_id=person.pk)
        assert (entry.actor_repr, entry.purpose, entry.action) == ("supervisor", "admin", "admin.list")
        assert AuditEntry.objects.get(pk=entry.pk).details["query"] == "quispe"
    assert not person_access_log(person_id=other.pk).exists()
    assert audit_chain_verify().ok


def test_a_search_that_finds_nobody_is_still_audited(client, supervisor):
    # when an officer searches a document number nobody holds
    client.get(reverse("admin:rim_person_changelist"), {"q": "99999999"})
    # then the search itself is in the log, without a person
    (entry,) = _admin_reads(action="admin.list", person_id=None)
    assert entry.details["query"] == "99999999" and entry.details["objects"] == []


def test_opening_a_person_is_audited_for_that_person_and_the_relatives_shown(client, supervisor):
    # given a person with a document and a relative
    document = IdentityDocumentFactory(number="70275788")
    relative = PersonFactory(given_names="Pedro")
    rim_services.family_link_add(actor="test", person=document.person, relative=relative, relation="PADRE")
    # when an officer opens the person's page
    response = client.get(reverse("admin:rim_person_change", args=[document.person_id]))
    # then the page shows the record, and the read is in the person's (and the relative's) access log
    assert response.status_code == 200 and "70275788" in response.content.decode()
    assert person_access_log(person_id=document.person_id).filter(action="admin.view").count() == 1
    assert person_access_log(person_id=relative.pk).filter(action="admin.view").count() == 1


def test_browsing_movements_and_documents_is_audited_per_person(client, supervisor):
    # given two persons with a movement each
    point = CrossingPointFactory()
    people = [PersonFactory(given_names=n) for n in ("Rosa", "Ana")]
    for person in people:
        rim_services.movement_record(actor="test", person=person, direction="ENTRY", crossing_point=point,
                                     channel="COUNTER")
        IdentityDocumentFactory(person=person)
    # when an officer lists movements, then documents
    assert client.get(reverse("admin:rim_movement_changelist")).status_code == 200
    assert client.get(reverse("admin:rim_identitydocument_changelist")).status_code == 200
    # then each person has one read per list
    for person in people:
        actions = sorted(person_access_log(person_id=person.pk).values_list("object_type", flat=True))
        assert actions == ["rim.identitydocument", "rim.movement"]


def test_browsing_accounts_is_audited_as_the_linked_person(client, supervisor):
    # given a citizen's account linked to its RIM person
    citizen = get_user_model().objects.create_user(username="ciudadano", password="x-Secreta-2024", dni="70275799")
    person = PersonFactory(user=citizen)
    # when an officer opens the account in the admin
    assert client.get(reverse("admin:cuentas_user_change", args=[citizen.pk])).status_code == 200
    # then the person sees it
    assert person_access_log(person_id=person.pk).filter(action="admin.view", object_type="cuentas.user").exists()


@pytest.mark.parametrize("name", ["person", "identitydocument", "movement", "alert"])
def test_registry_data_cannot_be_added_changed_or_deleted_in_the_admin(client, supervisor, name):
    # given a registry record of each kind
    person = PersonFactory()
    records = {"person": person, "identitydocument": IdentityDocumentFactory(person=person),
               "alert": AlertFactory(person=person, document_number="A1234567")}
    records["movement"] = rim_services.movement_record(actor="test", person=person, direction="ENTRY",
                                                       crossing_point=CrossingPointFactory(), channel="COUNTER")
    obj = records[name]
    # when a superuser tries to add, change or delete through the admin
    add = client.post(reverse(f"admin:rim_{name}_add"), {})
    change = client.post(reverse(f"admin:rim_{name}_change", args=[obj.pk]), {})
    delete = client.post(reverse(f"admin:rim_{name}_delete", args=[obj.pk]), {"post": "yes"})
    # then each is refused, and the record is as it was
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_alert_end_date_cannot_be_changed_in_the_admin(client, supervisor):
    # given an alert in force
    alert = AlertFactory(document_number="B7654321")
    # when an officer posts a new end date through the admin form
    response = client.post(reverse("admin:rim_alert_change", args=[alert.pk]), {
        "source": alert.source, "kind": alert.kind, "reason": alert.reason, "document_number": "B7654321",
        "active_from_0": "2020-01-01", "active_from_1": "00:00:00",
        "active_until_0": "2020-01-02", "active_until_1": "00:00:00"})
    # then it is refused and the alert stays in force (its end goes through rim's audited services)
    assert response.status_code == 403
    assert Alert.objects.get(pk=alert.pk).active_until is None


def test_changes_to_an_account_in_the_admin_reach_the_audit_chain(client, supervisor):
    # given an officer's account
    officer = get_user_model().objects.create_user(username="oficial", password="x-Secreta-2024")
    # when a supervisor deactivates it in the admin
    page = client.get(reverse("admin:cuentas_user_change", args=[officer.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, tuple))}
    data.update({"username": "oficial", "is_active": "", "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
                 "document_type": officer.document_type or "DNI"})
    response = client.post(reverse("admin:cuentas_user_change", args=[officer.pk]), data)
    # then the change is saved and written to the chain, naming the field (not its value)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(kind="write", action="admin.change", object_type="cuentas.user")
    assert entry.object_id == str(officer.pk) and entry.details["change"]
    assert not get_user_model().objects.get(pk=officer.pk).is_active
    assert audit_chain_verify().ok


def test_a_travel_permit_added_in_the_admin_goes_through_the_service(client, supervisor):
    # when an officer registers a minor's permit in the admin
    response = client.post(reverse("admin:control_travelpermit_add"), {
        "minor_document_number": "71234567", "minor_issuing_state": "PER", "minor_birth_date": "2015-03-02",
        "minor_name": "Luz Quispe", "granted_by": "Rosa Quispe (madre)", "reference": "NOT-123",
        "valid_from": "2026-01-01", "valid_until": "2026-12-31", "companion": "", "destination": ""})
    # then it is saved with the service's audit entry
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="control.travel_permit_create").count() == 1


def test_a_travel_permit_for_an_adult_is_refused_with_a_message(client, supervisor):
    response = client.post(reverse("admin:control_travelpermit_add"), {
        "minor_document_number": "41234567", "minor_issuing_state": "PER", "minor_birth_date": "1990-03-02",
        "minor_name": "Ana Quispe", "granted_by": "juez", "reference": "EXP-1",
        "valid_from": "2026-01-01", "valid_until": "2026-12-31"}, follow=True)
    assert response.status_code == 200
    assert "menores de edad" in response.content.decode()
    assert not AuditEntry.objects.filter(action="control.travel_permit_create").exists()


def _shows_persons(model) -> bool:
    """A model that names a RIM person or a traveller (a foreign key to one, or personal fields)."""
    names = {f.name for f in model._meta.get_fields()}
    related = {getattr(f.related_model, "_meta", None) and f.related_model._meta.label for f in model._meta.get_fields()}
    return bool({"rim.Person", "control.Crossing", "biometria.Enrollment"} & related
                or {"person_id", "dni", "document_number", "payer_dni", "payer_document_number", "minor_name", "surnames"} & names
                or model is Person)


def test_every_admin_that_shows_persons_is_audited_and_every_other_audits_its_changes():
    # given every model registered in the admin
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("auth", "otp_totp", "otp_static", "axes", "django_celery_beat"):
            continue
        # then one that shows persons audits its reads, and any other at least its writes
        expected = AuditedAdminMixin if _shows_persons(model) else AuditedWritesAdminMixin
        assert isinstance(model_admin, expected), f"{model._meta.label} admin is not {expected.__name__}"


@pytest.mark.parametrize("params", [
    {"q": "quis\x00pe"},
    {"nationality__exact": "PE\x00R"},
    {"documents__number": "\x00"},
])
def test_a_nul_in_an_admin_search_or_filter_is_a_400(client, supervisor, params):
    # given a person (so the list has a query to run)
    PersonFactory()
    # when an officer's search or filter carries a NUL (PostgreSQL refused it with a 500)
    response = client.get(reverse("admin:rim_person_changelist"), params)
    # then the answer is a 400 saying why
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_another_admin_list_is_a_400_too(client, supervisor):
    response = client.get(reverse("admin:auth_group_changelist"), {"q": "a\x00"})
    assert response.status_code == 400


def test_admin_reads_of_a_crowded_page_cost_one_append(client, supervisor, django_assert_max_num_queries):
    # given 60 persons
    for i in range(60):
        PersonFactory(given_names=f"Persona {i}")
    # when the list shows them, then the audit of 60 persons does not add a query per person
    with django_assert_max_num_queries(25):
        assert client.get(reverse("admin:rim_person_changelist")).status_code == 200
    assert _admin_reads(action="admin.list").exclude(person_id=None).count() == 60


def test_the_audit_log_admin_is_read_only_and_reading_it_is_audited(client, supervisor):
    # given a read of a person recorded
    person = PersonFactory()
    client.get(reverse("admin:rim_person_change", args=[person.pk]))
    entry = AuditEntry.objects.get(action="admin.view")
    # when a supervisor browses the log, then it is a read of that person too, and nothing can be changed
    assert client.get(reverse("admin:auditoria_auditentry_changelist")).status_code == 200
    assert person_access_log(person_id=person.pk).filter(object_type="auditoria.auditentry").exists()
    assert client.post(reverse("admin:auditoria_auditentry_change", args=[entry.pk]), {}).status_code == 403
    assert client.post(reverse("admin:auditoria_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_deleting_reference_data_in_the_admin_reaches_the_audit_chain(client, supervisor):
    # given a crossing point nobody used
    point = CrossingPointFactory(code="PTEST")
    # when a supervisor deletes it in the admin
    response = client.post(reverse("admin:rim_crossingpoint_delete", args=[point.pk]), {"post": "yes"})
    # then it is gone, and the deletion is an entry of the chain
    assert response.status_code == 302
    entry = AuditEntry.objects.get(kind="write", action="admin.delete")
    assert (entry.object_type, entry.object_id, entry.actor_repr) == ("rim.crossingpoint", str(point.pk), "supervisor")
    assert audit_chain_verify().ok
