"""Receipts paid at the bank: matched with Banco de la Nación on code, amount, payer document and date;
refused with the reason otherwise; a receipt serves once across every service (the database decides a
race); a bank that does not answer leaves the payment visibly pending, never approved."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from auditoria.models import AuditEntry
from core.errors import Conflict, ValidationFailed
from pagos import services
from pagos.models import Payment

pytestmark = pytest.mark.django_db
CE = "001234567"  # a foreigner's carné number, as printed


def _register(purpose: str, procedure: str, number: str, *, document: str = CE, date=dt.date(2026, 3, 2)):
    return services.payment_receipt_register(
        actor="test", purpose_kind=purpose, procedure=procedure, payer_document_type="CE",
        payer_document_number=document, receipt_number=number, payment_date=date)


def test_a_receipt_for_the_certificate_amount_of_07561_pays_the_certificate_not_a_duplicate_carne(
        carne_purpose, certificate_purpose, bank_receipt):
    # given S/ 15.10 paid with code 07561 (the movement certificate's amount) by the foreigner
    number = bank_receipt(number="5500101", date="2026-03-02", amount="15.10", fee_code="07561", payer=CE)
    # when it is typed for a duplicate carné (07561 too, but S/ 20.20): refused, saying the amount
    with pytest.raises(ValidationFailed) as wrong_amount:
        _register("carne.tramite", "DUPLICADO_CARNE", number)
    assert "20.20" in wrong_amount.value.fields["amount"]
    assert not Payment.objects.exists() and carne_purpose.calls == []
    # then for the certificate it is matched and the certificate's service is told, in the same transaction
    payment = _register("rim.certificado", "CERTIFICADO_MOVIMIENTO_MIGRATORIO", number)
    assert (payment.status, payment.amount, payment.fee.code) == (Payment.Status.PAID, Decimal("15.10"), "07561")
    assert certificate_purpose.calls == [payment.pk]
    assert Payment.objects.get(pk=payment.pk).purpose_id == f"REC-{payment.pk}"


def test_a_receipt_paid_by_another_person_or_on_another_date_is_refused_with_the_reason(carne_purpose, bank_receipt):
    number = bank_receipt(number="5500102", date="2026-03-02", amount="20.20", fee_code="07561", payer="009876543")
    with pytest.raises(ValidationFailed) as other_person:
        _register("carne.tramite", "DUPLICADO_CARNE", number)
    assert "otra persona" in other_person.value.fields["payer_dni"]
    with pytest.raises(ValidationFailed) as other_date:
        _register("carne.tramite", "DUPLICADO_CARNE", number, document="009876543", date=dt.date(2026, 3, 3))
    assert "fecha" in other_date.value.fields["payment_date"]
    assert not Payment.objects.exists()


def test_a_receipt_used_by_one_service_is_refused_by_another_naming_the_first(carne_purpose, certificate_purpose,
                                                                              bank_receipt):
    number = bank_receipt(number="5500103", date="2026-03-02", amount="20.20", fee_code="07561", payer=CE)
    _register("carne.tramite", "ACTUALIZACION_DATOS", number)
    # when the same receipt is typed again, for another service and procedure of the same amount
    with pytest.raises(Conflict) as used:
        _register("rim.certificado", "DUPLICADO_CARNE", number)
    # then the person reads which service used it
    assert "ya fue usado en: Carné de extranjería" in used.value.message
    assert used.value.extra["used_by"] == "Carné de extranjería"
    assert Payment.objects.filter(receipt_number=number).count() == 1


def test_the_database_refuses_a_second_payment_holding_the_same_receipt(carne_purpose):
    from .factories import paid_payment

    paid_payment(receipt_number="5500104")
    with pytest.raises(IntegrityError), transaction.atomic():
        paid_payment(receipt_number="5500104", purpose_kind="rim.certificado")


def test_the_bank_not_answering_leaves_the_receipt_pending_and_a_later_check_pays_it(carne_purpose, bank_receipt,
                                                                                    external_systems):
    number = bank_receipt(number="5500105", date="2026-03-02", amount="20.20", fee_code="07561", payer=CE)
    # given the bank down (every request answers 503)
    external_systems.fault("banco_nacion", status=503)
    # when the receipt is typed
    payment = _register("carne.tramite", "DUPLICADO_CARNE", number)
    # then it is kept visibly pending, with the reason, and the service was not told it was paid
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and "no responde" in payment.status_reason
    assert carne_purpose.calls == []
    assert AuditEntry.objects.filter(action=services.AuditAction.RECEIPT_PENDING, object_id=str(payment.pk)).exists()
    # and checking again while the bank is still down changes nothing
    with pytest.raises(Exception, match="no responde"):
        services.payment_receipt_verify(payment_id=payment.pk)
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    # when the bank answers again, the check (the task's) pays it and tells the service, once
    external_systems.clear_faults()
    assert services.payment_receipt_verify(payment_id=payment.pk).status == Payment.Status.PAID
    assert services.payment_receipt_verify(payment_id=payment.pk).status == Payment.Status.PAID
    assert carne_purpose.calls == [payment.pk]


def test_a_pending_receipt_the_bank_then_refuses_is_refused_and_frees_the_number(carne_purpose, bank_receipt,
                                                                                external_systems):
    number = bank_receipt(number="5500106", date="2026-03-02", amount="15.10", fee_code="07561", payer=CE)
    external_systems.fault("banco_nacion", status=503)
    payment = _register("carne.tramite", "DUPLICADO_CARNE", number)
    external_systems.clear_faults()
    refused = services.payment_receipt_verify(payment_id=payment.pk)
    assert refused.status == Payment.Status.REFUSED and "20.20" in refused.status_reason
    assert carne_purpose.calls == []
    # the number is free again for the procedure it really paid
    certificate = _register("carne.tramite", "CERTIFICADO_MOVIMIENTO_MIGRATORIO", number)
    assert certificate.status == Payment.Status.PAID


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_receipt_typed_in_two_services_at_once_is_taken_by_exactly_one(carne_purpose, certificate_purpose,
                                                                        bank_receipt, external_systems):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers, so it proves nothing about races")
    number = bank_receipt(number="5500107", date="2026-03-02", amount="20.20", fee_code="07561", payer=CE)
    # the bank answers slowly, so both requests pass the "already used?" read before either inserts:
    # only the database's unique constraint can decide between them
    external_systems.fault("banco_nacion", latency_ms=400)
    start, results = threading.Barrier(2), {}

    def attempt(purpose: str, procedure: str):
        try:
            start.wait()
            results[purpose] = _register(purpose, procedure, number).status
        except Conflict as exc:
            results[purpose] = exc.message
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=("carne.tramite", "DUPLICADO_CARNE")),
               threading.Thread(target=attempt, args=("rim.certificado", "ACTUALIZACION_DATOS"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then exactly one payment holds the receipt, and the other service was told who used it
    (winner,) = Payment.objects.filter(receipt_number=number)
    loser = "rim.certificado" if winner.purpose_kind == "carne.tramite" else "carne.tramite"
    assert results[winner.purpose_kind] == Payment.Status.PAID
    winner_label = {"carne.tramite": "Carné de extranjería", "rim.certificado": "Certificado de movimiento migratorio"}
    assert results[loser] == f"Este comprobante ya fue usado en: {winner_label[winner.purpose_kind]}."
    assert len(carne_purpose.calls) + len(certificate_purpose.calls) == 1
