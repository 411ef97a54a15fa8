"""pagos in the admin: a payment list is audited for each person shown; a fee edited there is an audited write;
payments and refunds cannot be changed there (only the services move them)."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from auditoria.models import AuditEntry
from pagos.selectors import fee_for
from rim.tests.factories import PersonFactory

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser(username="jefa", password="x-Secreta-2024", email="j@x.pe")
    client.force_login(user)
    return user


def test_the_payment_list_is_audited_for_each_person_shown_and_is_read_only(client, superuser):
    citizen = get_user_model().objects.create_user(username="70275711", dni="70275711", password="x-Secreta-2024")
    person = PersonFactory(user=citizen)
    payment = factories.paid_payment(receipt_number="7700011")
    payment.user = citizen
    payment.save(update_fields=["user"])
    assert client.get(reverse("admin:pagos_payment_changelist")).status_code == 200
    assert AuditEntry.objects.filter(kind="read", purpose="admin", action="admin.list", person_id=person.pk,
                                     object_type="pagos.payment").exists()
    assert client.post(reverse("admin:pagos_payment_delete", args=[payment.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:pagos_refund_add")).status_code == 403


def test_a_fee_corrected_in_the_admin_is_an_audited_write(client, superuser):
    fee = fee_for("CERTIFICADO_MOVIMIENTO_MIGRATORIO")
    data = {"code": fee.code, "procedure": fee.procedure, "name_es": fee.name_es, "name_en": "Migratory movements certificate",
            "amount": str(fee.amount), "uit_percent": "", "per": fee.per, "valid_from": fee.valid_from.isoformat(),
            "valid_to": "", "notes": fee.notes}
    response = client.post(reverse("admin:pagos_fee_change", args=[fee.pk]), data)
    assert response.status_code == 302, response.content.decode()[:800]
    entry = AuditEntry.objects.get(kind="write", action="admin.change", object_type="pagos.fee")
    assert entry.object_id == str(fee.pk) and entry.details["change"]
