"""Builders for pasaporte tests: citizens, officers with TOTP passed, sedes, paid applications."""
import datetime as dt
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from cuentas.models import Office
from cuentas.services import user_role_add
from pagos.models import Payment
from pagos.tests.factories import catalogue_ensure
from citas.models import Service, Slot
from pasaporte.models import Application, ApplicationEvent
from pasaporte.services import PASSPORT_PROCEDURE, PAYMENT_PURPOSE
from core.testdata import TESTDATA

DATA = str(TESTDATA)


def read(path: str) -> bytes:
    with open(f"{DATA}/{path}", "rb") as handle:
        return handle.read()


def citizen(dni: str = "70275722", *, email: str = "ciudadano@example.pe"):
    user = get_user_model().objects.create_user(username=dni, dni=dni, email=email, password="Ciudadano-2026!",
                                                first_name="JORGE ANTHONY", last_name="CARDENAS")
    user_role_add(user=user, role="citizen")
    return user


def office(code: str = "LIM-BRE", *, counters: int = 2, slot_minutes: int = 30) -> Office:
    return Office.objects.get_or_create(code=code, defaults=dict(
        name=f"Sede {code}", address="Av. España 700", city="Lima", counters=counters, slot_minutes=slot_minutes))[0]


def staff(username: str, role: str, the_office: Office | None):
    user = get_user_model().objects.create_user(username=username, password="Servidor-2026!", office=the_office,
                                                is_staff=True, first_name="LUCÍA", last_name="HUAMÁN")
    user_role_add(user=user, role=role)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def login_staff(client, user) -> None:
    """Sign in and mark the session as having passed TOTP (what cuentas' OTP page does)."""
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


def paid_application(user, *, receipt: str | None = None) -> Application:
    """An application as a verified receipt leaves it (for tests whose subject comes later)."""
    from pagos.selectors import fee_for

    receipt = receipt or str(3_000_000 + Payment.objects.count() + 1)
    payment = Payment.objects.create(
        purpose_kind=PAYMENT_PURPOSE, user=user, payer_document_type="DNI", payer_document_number=user.dni,
        fee=fee_for(PASSPORT_PROCEDURE), amount=Decimal("120.90"), method=Payment.Method.RECEIPT,
        status=Payment.Status.PAID, reference=f"T-{uuid.uuid4().hex[:10]}", receipt_number=receipt,
        receipt_date=dt.date.today(),
    )
    application = Application.objects.create(user=user, dni=user.dni, payment=payment)
    Payment.objects.filter(pk=payment.pk).update(purpose_id=str(application.pk))
    ApplicationEvent.objects.create(application=application, to_status=Application.Status.PAID, actor_repr="test")
    return application


def future_slot(the_office: Office, *, capacity: int = 2, days: int = 3, hour: int = 9) -> Slot:
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=days)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return Slot.objects.get_or_create(office=the_office, service=Service.PASSPORT_ENROLLMENT, starts_at=starts,
                               defaults={"capacity": capacity})[0]


def reference_data() -> None:
    """The fee catalogue and the passport-number counter (data migrations made them; transactional tests flush them)."""
    from pasaporte.models import PassportNumberCounter

    catalogue_ensure()
    PassportNumberCounter.objects.get_or_create(name="PASAPORTE_PE", defaults={"next_value": 200_000_001})


def wait_for_status(application_id: int, wanted: set[str], *, timeout_s: float = 45.0) -> Application:
    """Poll an application the worker is moving until it reaches one of `wanted` (bounded wait)."""
    import time

    import pytest

    deadline = time.monotonic() + timeout_s
    while True:
        application = Application.objects.get(pk=application_id)
        if application.status in wanted:
            return application
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout_s:.0f} s the application is {application.status} "
                        f"({application.status_reason!r}), not one of {sorted(wanted)}; see var/celery-test-worker.log")
        time.sleep(0.2)


def dark_photo() -> bytes:
    """The citizen's photo taken far too dark: the exposure check blocks it."""
    import io

    from PIL import Image, ImageEnhance

    dark = io.BytesIO()
    ImageEnhance.Brightness(Image.open(io.BytesIO(read("faces/obama2.jpg")))).enhance(0.3).save(dark, format="JPEG")
    return dark.getvalue()
