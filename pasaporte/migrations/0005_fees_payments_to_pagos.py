"""Data: pasaporte's fees and payments copied into the pagos rail, every row, ids kept (Application.payment
keeps pointing at the same payment id), PostgreSQL sequences moved past them. 0006 then points
Application.payment at pagos.Payment and drops the old tables."""
from django.db import migrations
from django.utils import timezone

from pagos.moves import CreatedAtKept, sequences_reset

PURPOSE = "pasaporte.solicitud"
PROCEDURE = "PASAPORTE_ELECTRONICO"
NAMES_EN = {"01810": "Electronic passport issuance"}


def _fee_copy(old, Fee):
    """The pagos fee an old fee becomes: the same one if already there, else a copy with its id if free."""
    same = Fee.objects.filter(code=old.code, procedure=PROCEDURE, valid_from=old.valid_from).first()
    if same is not None:
        return same
    return Fee.objects.create(
        id=None if Fee.objects.filter(pk=old.pk).exists() else old.pk, code=old.code, procedure=PROCEDURE,
        name_es=old.description, name_en=NAMES_EN.get(old.code, old.description), amount=old.amount,
        valid_from=old.valid_from, valid_to=old.valid_until, notes=f"pasaporte.Fee {old.pk}")


def forwards(apps, schema_editor):
    OldFee, OldPayment = apps.get_model("pasaporte", "Fee"), apps.get_model("pasaporte", "Payment")
    Application = apps.get_model("pasaporte", "Application")
    Fee, Payment = apps.get_model("pagos", "Fee"), apps.get_model("pagos", "Payment")
    fee_ids = {old.pk: _fee_copy(old, Fee).pk for old in OldFee.objects.order_by("pk")}
    sequences_reset(schema_editor, Fee)
    applications = dict(Application.objects.values_list("payment_id", "pk"))
    taken = set(Payment.objects.filter(pk__in=OldPayment.objects.values("pk")).values_list("pk", flat=True))
    if taken:
        raise RuntimeError(f"pagos.Payment ids {sorted(taken)[:10]} are taken: pasaporte's payments cannot keep "
                           "their ids (migrate pasaporte before creating payments of other services)")
    with CreatedAtKept(Payment):
        batch = []
        for old in OldPayment.objects.order_by("pk").iterator(chunk_size=2000):
            batch.append(Payment(
                id=old.pk, purpose_kind=PURPOSE, purpose_id=str(applications.get(old.pk, "")), user_id=old.user_id,
                payer_document_type="DNI", payer_document_number=old.payer_dni, fee_id=fee_ids[old.fee_id],
                amount=old.amount, method=old.method, status=old.status, reference=old.reference,
                order_id=old.order_id, pay_url=old.pay_url, receipt_number=old.receipt_number,
                receipt_date=timezone.localdate(old.paid_at) if old.paid_at else None,
                notification_id=old.notification_id, paid_at=old.paid_at, created_at=old.created_at))
            if len(batch) >= 2000:
                Payment.objects.bulk_create(batch)
                batch = []
        Payment.objects.bulk_create(batch)
    sequences_reset(schema_editor, Payment)


def backwards(apps, schema_editor):
    # 0006's reverse copied them back into pasaporte's tables: the pagos copies go, so that migrating
    # forward again copies them once more with their ids (the fees stay: they are the catalogue's).
    apps.get_model("pagos", "Payment").objects.filter(purpose_kind=PURPOSE).delete()


class Migration(migrations.Migration):
    dependencies = [("pasaporte", "0004_applicationevent_notified_at"), ("pagos", "0001_initial")]
    # Before control's move (whose fines take new fee ids) and before the catalogue file is loaded, so
    # pasaporte's fee ids are kept.
    run_before = [("control", "0004_fee_table_to_pagos"), ("pagos", "0002_tupa_catalogue")]
    operations = [migrations.RunPython(forwards, backwards)]
