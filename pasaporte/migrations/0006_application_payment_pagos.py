"""Application.payment points at pagos.Payment (same ids, copied by 0005); pasaporte's Fee and Payment go."""
import django.db.models.deletion
from django.db import migrations, models

from pagos.moves import CreatedAtKept, sequences_reset

PURPOSE = "pasaporte.solicitud"


def copy_back(apps, schema_editor):
    """Reverse only: the passport payments (and their fees) back into the recreated pasaporte tables."""
    OldFee, OldPayment = apps.get_model("pasaporte", "Fee"), apps.get_model("pasaporte", "Payment")
    Payment = apps.get_model("pagos", "Payment")
    payments = Payment.objects.filter(purpose_kind=PURPOSE).exclude(status="REFUSED").select_related("fee")
    for fee in {p.fee_id: p.fee for p in payments}.values():
        OldFee.objects.create(id=fee.pk, code=fee.code[:10], description=fee.name_es, amount=fee.amount,
                              valid_from=fee.valid_from, valid_until=fee.valid_to)
    with CreatedAtKept(OldPayment):
        OldPayment.objects.bulk_create([OldPayment(
            id=p.pk, user_id=p.user_id, payer_dni=p.payer_document_number[:8], fee_id=p.fee_id, amount=p.amount,
            method=p.method, status="PENDING" if p.status == "PENDING" else "PAID", reference=p.reference,
            order_id=p.order_id, pay_url=p.pay_url, receipt_number=p.receipt_number,
            notification_id=p.notification_id, paid_at=p.paid_at, created_at=p.created_at) for p in payments])
    sequences_reset(schema_editor, OldFee, OldPayment)


class Migration(migrations.Migration):
    dependencies = [("pasaporte", "0005_fees_payments_to_pagos")]
    operations = [
        migrations.AlterField(
            model_name="application",
            name="payment",
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                       related_name="passport_application", to="pagos.payment"),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_back),
        migrations.DeleteModel(name="Payment"),
        migrations.DeleteModel(name="Fee"),
    ]
