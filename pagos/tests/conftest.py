"""Fixtures of the payments rail's tests: the catalogue (also after a transactional flush), two purposes of
two services, receipts recorded at the bank simulator."""
import pytest
import requests

from . import factories


@pytest.fixture(autouse=True)
def _catalogue(request):
    """The shipped catalogue comes from a data migration; transactional tests flush it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    factories.catalogue_ensure()


def _purpose(kind: str, label: str):
    """A service of its own that records what the rail told it was paid (unregistered afterwards)."""
    from pagos import hooks

    recorder = factories.PaidRecorder()
    factories.purpose_register(kind, label, on_paid=recorder)
    yield recorder
    hooks.purpose_unregister(kind)


@pytest.fixture
def carne_purpose():
    yield from _purpose("carne.tramite", "Carné de extranjería")


@pytest.fixture
def certificate_purpose():
    yield from _purpose("rim.certificado", "Certificado de movimiento migratorio")


@pytest.fixture
def bank_receipt(external_systems):
    """Record a payment made at a bank window in the simulator; returns its operation number."""

    def record(*, number: str, date: str, amount: str, fee_code: str, payer: str) -> str:
        response = requests.post(f"{external_systems.base_url}/banco-nacion/__receipts__", timeout=5, json={
            "receipt_number": number, "payment_date": date, "amount": amount, "fee_code": fee_code,
            "payer_dni": payer})
        response.raise_for_status()
        return response.json()["receipt_number"]

    return record
