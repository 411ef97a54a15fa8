"""The calendar in the admin (pytest-django's `admin_client` is a superuser): superusers read and edit the days (audited, seen at once); others cannot."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from auditoria.models import AuditEntry
from calendario.models import NonWorkingDay
from calendario.services import is_business_day

pytestmark = pytest.mark.django_db


def test_a_superuser_adds_a_day_audited_and_seen_at_once(admin_client):
    # given Mon 2 Mar 2026, a business day already read once
    assert is_business_day(dt.date(2026, 3, 2))
    assert admin_client.get(reverse("admin:calendario_nonworkingday_changelist")).status_code == 200
    # when a superuser adds it as a public-sector non-working day
    response = admin_client.post(reverse("admin:calendario_nonworkingday_add"), {
        "date": "2026-03-02", "scope": "PUBLIC_SECTOR", "region": "", "name_es": "Día no laborable",
        "name_en": "Non-working day", "legal_basis": "Decreto Supremo de prueba"})
    assert response.status_code == 302, response.content.decode()[:2000]
    # then the services see it, and the write is in the audit log
    assert not is_business_day(dt.date(2026, 3, 2))
    day = NonWorkingDay.objects.get(date=dt.date(2026, 3, 2))
    assert AuditEntry.objects.filter(action="admin.add", object_id=str(day.pk)).exists()
    # and deleting it makes the day a business day again
    admin_client.post(reverse("admin:calendario_nonworkingday_delete", args=[day.pk]), {"post": "yes"})
    assert is_business_day(dt.date(2026, 3, 2))


def test_a_regional_day_without_its_region_is_refused_on_the_form(admin_client):
    response = admin_client.post(reverse("admin:calendario_nonworkingday_add"), {
        "date": "2026-03-02", "scope": "REGIONAL", "region": "", "name_es": "x", "name_en": "x",
        "legal_basis": "x"})
    assert response.status_code == 200
    assert "Solo un feriado regional lleva región" in response.content.decode()
    assert not NonWorkingDay.objects.filter(date=dt.date(2026, 3, 2)).exists()


def test_staff_who_are_not_superusers_do_not_see_the_calendar(client):
    user = get_user_model().objects.create_user(username="oficial", password="x-Secreta-2024", is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:calendario_nonworkingday_changelist"))
    assert response.status_code == 403
