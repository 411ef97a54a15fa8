"""Reads of the e-passport service: the citizen's application and timeline, free turns, office queues, dashboards."""
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from auditoria.services import audit_record
from biometria import selectors as biometria_selectors
from biometria.models import DuplicateCase
from cuentas.models import Office
from rim.models import IdentityDocument
from rim.selectors import person_by_document
from core.actor import Actor

from . import biometrics
from citas import selectors as citas_selectors
from citas.models import Appointment, Service, Slot
from citas.selectors import FreeDay

from .audit_actions import AuditAction
from .models import Application, ApplicationEvent, CheckResult
from .services.common import OPEN_STATUSES


@dataclass(frozen=True)
class OfficeDashboard:
    office: Office
    appointments_today: int
    no_shows: int
    enrolled: int
    ready: int
    delivered: int
    observed: int
    enrollment_to_ready_avg_s: float | None


def offices_active() -> QuerySet[Office]:
    return Office.objects.filter(active=True).order_by("name")


def office_by_code(code: str) -> Office | None:
    return Office.objects.filter(code=code, active=True).first()


def application_current(user: Any) -> Application | None:
    """The citizen's application in progress, else their latest one."""
    if not getattr(user, "is_authenticated", False):
        return None
    mine = Application.objects.filter(user=user).select_related("payment", "office")
    return mine.filter(status__in=OPEN_STATUSES).first() or mine.first()


def application_for_staff(application_id: int) -> Application | None:
    return (Application.objects.select_related("user", "office", "payment", "biometric_enrollment")
            .filter(pk=application_id).first())


def application_timeline(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.order_by("created_at", "id")


def application_checks(application: Application) -> QuerySet[CheckResult]:
    return application.checks.order_by("checked_at", "id")


def appointment_active(application: Application) -> Appointment | None:
    from .services.appointments import RECORD_KIND, SERVICE

    return citas_selectors.appointment_booked(record_kind=RECORD_KIND, record_id=application.pk, service=SERVICE)


def payment_pending(user: Any):
    """The citizen's passport payment still waiting for the bank (an order not paid, a receipt not checked)."""
    from pagos.selectors import payment_pending as rail_payment_pending

    from .services.payments import PAYMENT_PURPOSE

    if not getattr(user, "is_authenticated", False):
        return None
    return rail_payment_pending(purpose_kind=PAYMENT_PURPOSE, user=user)


def free_slots(*, office: Office, day: dt.date) -> QuerySet[Slot]:
    """Passport turns of a day with places left, from now on."""
    from .services.appointments import SERVICE

    return citas_selectors.free_slots(office=office, service=SERVICE, day=day)


def next_free_days(*, office: Office, start: dt.date | None = None, limit: int = 5) -> list[FreeDay]:
    """The next days with free passport places, at once: one grouped query."""
    from .services.appointments import SERVICE

    return citas_selectors.next_free_days(office=office, service=SERVICE, start=start, limit=limit)


def office_appointments_on(*, office: Office, day: dt.date | None = None) -> list[Appointment]:
    """The sede's passport citas of a day (today by default), in turn order, each with its `application`."""
    from .services.appointments import RECORD_KIND

    appointments = list(citas_selectors.office_appointments_on(office=office, day=day, record_kind=RECORD_KIND))
    applications = Application.objects.select_related("user").in_bulk([a.record_id for a in appointments])
    for appointment in appointments:
        appointment.application = applications.get(appointment.record_id)
    return appointments


def office_queue(*, office: Office, statuses: list[str]) -> QuerySet[Application]:
    return Application.objects.filter(office=office, status__in=statuses).select_related("user").order_by("updated_at")


def application_duplicate_case(application: Application) -> DuplicateCase | None:
    """The biometric duplicate case the application's enrollment opened, if any (decided or not)."""
    if not application.biometric_enrollment_id:
        return None
    return biometria_selectors.duplicate_case_for_enrollment(enrollment_id=application.biometric_enrollment_id)


def enrolled_finger_positions(application: Application) -> list[int]:
    """The fingers the officer may use at delivery (positions only; no biometric data is read)."""
    return biometrics.enrolled_positions(application.biometric_enrollment)


def citizen_passports(user: Any) -> QuerySet[IdentityDocument]:
    """The citizen's own passports in the RIM (for a loss or theft report)."""
    person = person_by_document(number=user.dni, kind=IdentityDocument.Kind.DNI, issuing_state="PER") if getattr(
        user, "dni", None) else None
    if person is None:
        return IdentityDocument.objects.none()
    return person.documents.filter(kind=IdentityDocument.Kind.PASAPORTE).order_by("-issue_date", "-id")


def office_dashboard(*, office: Office, day: dt.date | None = None) -> OfficeDashboard:
    """Appointments, no-shows, enrolled, ready, delivered and the mean time from enrollment to ready."""
    day = day or timezone.localdate()
    appointments = Appointment.objects.filter(slot__office=office, slot__starts_at__date=day,
                                              service=Service.PASSPORT_ENROLLMENT).aggregate(
        total=Count("id", filter=~Q(status__in=[Appointment.Status.CANCELLED, Appointment.Status.RESCHEDULED])),
        no_shows=Count("id", filter=Q(status=Appointment.Status.NO_SHOW)),
    )
    apps = Application.objects.filter(office=office)
    counts = apps.aggregate(
        enrolled=Count("id", filter=Q(enrolled_at__date=day)),
        ready=Count("id", filter=Q(status=Application.Status.READY)),
        delivered=Count("id", filter=Q(delivered_at__date=day)),
        observed=Count("id", filter=Q(status=Application.Status.OBSERVED)),
    )
    lead = apps.filter(ready_at__isnull=False, enrolled_at__isnull=False).aggregate(
        avg=Avg(ExpressionWrapper(F("ready_at") - F("enrolled_at"), output_field=DurationField())))["avg"]
    return OfficeDashboard(
        office=office, appointments_today=appointments["total"], no_shows=appointments["no_shows"],
        enrolled=counts["enrolled"], ready=counts["ready"], delivered=counts["delivered"],
        observed=counts["observed"], enrollment_to_ready_avg_s=lead.total_seconds() if lead else None,
    )


def staff_page_read(*, actor: Actor, page: str, purpose: str, applications: list[Application]) -> None:
    """Audit that an officer's page showed these applicants' data: one READ entry per applicant."""
    seen: set[int] = set()
    for application in applications:
        if application.pk in seen:
            continue
        seen.add(application.pk)
        audit_record(actor=actor, action=AuditAction.PAGE_READ[page], kind="read", obj=application,
                     person_id=application.person_id, purpose=purpose)


def person_records(person_id: int) -> list:
    """The person's passport applications and passports, for the officers' person page (rim.hooks)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from rim.hooks import PersonRecord

    records = []
    for application in (Application.objects.filter(person_id=person_id).select_related("office")
                        .order_by("-created_at")[:50]):
        where = f" · {application.office.name}" if application.office_id else ""
        records.append(PersonRecord(
            kind=gettext_lazy("Solicitud de pasaporte"), reference=f"N.º {application.pk}{where}",
            status=application.get_status_display(), when=application.created_at,
            url=reverse("pasaporte:review", args=[application.pk])))
        passport = getattr(application, "passport", None)
        if passport is not None:
            records.append(PersonRecord(
                kind=gettext_lazy("Pasaporte"), reference=passport.number, status=passport.get_status_display(),
                when=passport.created_at, url=reverse("pasaporte:review", args=[application.pk])))
    return records


def work_page(user: Any) -> str | None:
    """An officer of a sede works from its "Citas de hoy" (cuentas.hooks, after TOTP)."""
    from django.urls import reverse

    return reverse("pasaporte:office_today") if getattr(user, "office_id", None) else None
