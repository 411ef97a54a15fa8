"""The move into pagos keeps every row: pasaporte's fees and payments (ids kept, Application.payment still
pointing at the same payment) and control's UIT values and fee rules, with PostgreSQL's sequences moved on."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pagos.models import Fee, Payment, Uit
from pagos.selectors import fee_amount, fee_for
from pasaporte.models import Application

BEFORE = [("pasaporte", "0004_applicationevent_notified_at"), ("control", "0003_preregistration_dg2_key_id_and_more")]


def _old_rows(apps) -> dict:
    """Rows as pasaporte and control kept them before the move (ids chosen far from any the tests use)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="70000042", dni="70000042")  # cuentas is not rolled back
    fee = apps.get_model("pasaporte", "Fee").objects.create(
        id=900041, code="01810", description="Pasaporte (tarifa 2019)", amount=Decimal("98.00"),
        valid_from=dt.date(2019, 1, 1))
    OldPayment = apps.get_model("pasaporte", "Payment")
    paid = OldPayment.objects.create(
        id=700501, user_id=user.pk, payer_dni="70000042", fee=fee, amount=Decimal("98.00"), method="RECEIPT", status="PAID",
        reference="REC-8100001", receipt_number="8100001", paid_at=dt.datetime(2019, 5, 6, 17, tzinfo=dt.timezone.utc))
    pending = OldPayment.objects.create(id=700502, user_id=user.pk, payer_dni="70000042", fee=fee, amount=Decimal("98.00"),
                                        method="ORDER", status="PENDING", reference="PAS-OLD", order_id="BNOLD")
    application = apps.get_model("pasaporte", "Application").objects.create(id=800900, user_id=user.pk, dni="70000042",
                                                                            payment=paid)
    apps.get_model("control", "UitValue").objects.create(year=2010, amount=Decimal("3600.00"))
    apps.get_model("control", "FeeRule").objects.create(code="EXCESO_PERMANENCIA", label="Multa (régimen anterior)",
                                                        uit_percent=Decimal("0.0500"), per="DAY",
                                                        valid_from=dt.date(2010, 1, 1))
    return {"paid": paid.pk, "pending": pending.pk, "application": application.pk, "fee": fee.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_move_into_pagos_keeps_every_row_and_its_id():
    if connection.vendor != "postgresql":
        pytest.skip("the sequences and the executor's round trip are checked on PostgreSQL")
    # given the schema before the move, with rows of every kind in the old tables
    for app_label, name in BEFORE:
        call_command("migrate", app_label, name, verbosity=0)
    try:
        old_state = MigrationExecutor(connection).loader.project_state(BEFORE)
        ids = _old_rows(old_state.apps)
        # when the migrations run forward
        call_command("migrate", verbosity=0)
        # then each payment is in pagos with its id, its purpose, its payer and its fee (id kept)
        paid = Payment.objects.get(pk=ids["paid"])
        assert (paid.purpose_kind, paid.purpose_id, paid.payer_document_type, paid.payer_document_number) == (
            "pasaporte.solicitud", str(ids["application"]), "DNI", "70000042")
        assert (paid.status, paid.receipt_number, paid.receipt_date, paid.fee_id) == (
            "PAID", "8100001", dt.date(2019, 5, 6), ids["fee"])
        assert Payment.objects.get(pk=ids["pending"]).order_id == "BNOLD"
        # the application still points at the same payment, now pagos'
        assert Application.objects.get(pk=ids["application"]).payment.receipt_number == "8100001"
        # the old 2019 fee is kept, closed the day before the catalogue's 2020 amount
        old_fee = Fee.objects.get(pk=ids["fee"])
        assert (old_fee.amount, old_fee.valid_to) == (Decimal("98.00"), dt.date(2019, 12, 31))
        assert fee_for("PASAPORTE_ELECTRONICO", on=dt.date(2019, 6, 1)).pk == ids["fee"]
        # control's UIT and its older fine rule are in the catalogue, the rule up to the current one
        assert Uit.objects.get(year=2010).amount == Decimal("3600.00")
        older = fee_for("MULTA_EXCESO_PERMANENCIA", on=dt.date(2012, 1, 2))
        assert (older.valid_to, fee_amount(older, on=dt.date(2010, 6, 1), units=10)) == (
            dt.date(2017, 2, 28), Decimal("18.00"))
        # and new rows get ids after the copied ones (the sequences were moved on)
        fresh = Payment.objects.create(purpose_kind="x", payer_document_type="DNI", payer_document_number="70000043",
                                       fee=old_fee, amount=Decimal("1.00"), method="ORDER", reference="PAG-NEW")
        assert fresh.pk > ids["pending"]
        assert Fee.objects.create(code="T", procedure="T", name_es="t", name_en="t", amount=Decimal("1.00"),
                                  valid_from=dt.date(2030, 1, 1)).pk > ids["fee"]
    finally:
        call_command("migrate", verbosity=0)
