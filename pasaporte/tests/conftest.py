"""Fixtures of the pasaporte tests."""
import pytest

from . import factories


@pytest.fixture
def office(db):
    return factories.office()


@pytest.fixture
def citizen(db):
    return factories.citizen()


@pytest.fixture
def officer(office):
    return factories.staff("oficial.brena", "officer", office)


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture
def pki_dir(settings, tmp_path_factory):
    settings.MRTD_PKI_DIR = tmp_path_factory.getbasetemp() / "pki"
    return settings.MRTD_PKI_DIR


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hundreds of users are created in the concurrency tests; PBKDF2 would dominate their time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The fee catalogue and the number counter come from data migrations; transactional tests flush them."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db") if not request.node.get_closest_marker("django_db").kwargs.get(
        "transaction") else request.getfixturevalue("transactional_db")
    from pagos.tests.factories import catalogue_ensure
    from pasaporte.models import PassportNumberCounter

    catalogue_ensure()
    PassportNumberCounter.objects.get_or_create(name="PASAPORTE_PE", defaults={"next_value": 200_000_001})


@pytest.fixture
def ready(citizen, office, officer, external_systems, pki_dir):
    """An application personalized and ready, enrolled with obama2.jpg and the SourceAFIS probe as the right thumb (1)."""
    from django.test import TestCase

    from pasaporte import services
    from pasaporte.models import Application

    application = factories.paid_application(citizen)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.appointment_book(actor=citizen, application_id=application.pk,
                                  slot_id=factories.future_slot(office).pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.enrollment_record(
            actor=officer, application_id=application.pk, face=factories.read("faces/obama2.jpg"),
            fingers={1: factories.read("fingerprints/sourceafis_probe.png"),
                     2: factories.read("fingerprints/jmrtd_fp.wsq")},
            signature=factories.read("fingerprints/utkarsh_2.jpg"))
    application.refresh_from_db()
    assert application.status == Application.Status.READY, application.status_reason
    return application
