"""Reads of tramites: the catalogue for a person, their cases, the officers' queue and dashboard.

Every read of a person's case writes an audit READ entry with its purpose (the person's access log).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from auditoria.services import audit_record
from calendario.services import business_days_between
from core.actor import Actor
from core.errors import NotFound
from rim.hooks import PersonRecord

from .audit_actions import AuditAction
from .catalogue import ProcedureSpec, spec_of
from .eligibility import OPEN_STATES, reasons_against
from .models import Case, ProcedureType

S = Case.Status
PURPOSE_APPLICANT = "consulta de su propio trámite"
PURPOSE_OFFICER = "evaluación de trámite"
# Under this many business days left, a case is shown at risk of silence.
AT_RISK_BUSINESS_DAYS = 5
UNDECIDED = (S.FILED, S.IN_EVALUATION, S.CORRECTED, S.APPEALED)


@dataclass(frozen=True)
class CatalogueEntry:
    procedure: ProcedureType
    spec: ProcedureSpec
    reason: str | None  # why this person may not file it (None: they may)


def catalogue(*, person=None, actor: Actor = None) -> list[CatalogueEntry]:
    """The active procedures, each with the reason this person may not file it (None when they may)."""
    entries = []
    for procedure in ProcedureType.objects.filter(active=True).order_by("code"):
        spec = spec_of(procedure)
        reason = reasons_against(spec, person=person) if person is not None else None
        entries.append(CatalogueEntry(procedure, spec, reason))
    if person is not None and actor is not None:
        audit_record(actor=actor, action=AuditAction.ELIGIBILITY_READ, obj=person, person_id=person.pk,
                     purpose=PURPOSE_APPLICANT)
    return entries


def cases_of(user, *, actor: Actor) -> list[Case]:
    cases = list(Case.objects.filter(applicant_id=user.pk).select_related("procedure", "office")
                 .order_by("-created_at")[:100])
    if cases:
        audit_record(actor=actor, action=AuditAction.CASES_LIST_READ, object_type="tramites.case",
                     object_id=str(user.pk), person_id=cases[0].person_id, purpose=PURPOSE_APPLICANT)
    return cases


def case_own(user, case_id: int, *, actor: Actor) -> Case:
    """The applicant's own case (404 for anyone else's), read audited."""
    case = (Case.objects.select_related("procedure", "office", "person", "assigned_to")
            .filter(pk=case_id, applicant_id=getattr(user, "pk", None)).first())
    if case is None:
        raise NotFound("case", fields={"case": "not found"})
    audit_record(actor=actor, action=AuditAction.CASE_READ, obj=case, person_id=case.person_id,
                 purpose=PURPOSE_APPLICANT)
    return case


def case_for_officer(case_id: int, *, actor: Actor) -> Case:
    """A case of the officer's sede (404 otherwise: another sede's case is not theirs to see), audited."""
    case = (Case.objects.select_related("procedure", "office", "person", "applicant", "assigned_to", "resolved_by")
            .filter(pk=case_id, office_id=getattr(actor, "office_id", None)).exclude(status=S.DRAFT).first())
    if case is None:
        raise NotFound("case", fields={"case": "not found"})
    audit_record(actor=actor, action=AuditAction.CASE_READ, obj=case, person_id=case.person_id,
                 purpose=PURPOSE_OFFICER)
    return case


def business_days_left(case: Case, *, today: dt.date | None = None) -> int | None:
    if case.due_on is None:
        return None
    today = today or timezone.localdate()
    if case.due_on < today:
        return -business_days_between(case.due_on, today)
    return business_days_between(today, case.due_on)


def queue(*, office_id: int, procedure_code: str = "", status: str = "", assigned_to=None,
          limit: int = 50, after: tuple[str, int] | None = None) -> QuerySet[Case]:
    """Open cases of a sede, nearest legal deadline first (the ones at risk of silence lead); keyset
    pagination on (due_on, id) so a page costs the same on the millionth case as on the first."""
    rows = Case.objects.filter(office_id=office_id, status__in=UNDECIDED).select_related("procedure", "assigned_to")
    if procedure_code:
        rows = rows.filter(procedure__code=procedure_code)
    if status:
        rows = rows.filter(status=status)
    if assigned_to is not None:
        rows = rows.filter(assigned_to=assigned_to)
    if after is not None:
        due, pk = after
        rows = rows.filter(Q(due_on__gt=due) | Q(due_on=due, pk__gt=pk))
    return rows.order_by(F("due_on").asc(nulls_last=True), "id")[:limit]


def queue_position(case: Case) -> int | None:
    """How many open cases of the same procedure and sede were filed before this one (+1)."""
    if case.status not in UNDECIDED or case.filed_at is None:
        return None
    return Case.objects.filter(office_id=case.office_id, procedure_id__in=ProcedureType.objects.filter(
        code=case.procedure.code).values("pk"), status__in=UNDECIDED, filed_at__lt=case.filed_at).count() + 1


@dataclass(frozen=True)
class Dashboard:
    backlog: list[dict]
    ageing: list[tuple[str, int]]
    throughput: list[dict]
    near_silence: int
    checks_pending: int


def dashboard(*, office_id: int, today: dt.date | None = None) -> Dashboard:
    """The supervisor's view of a sede: backlog per procedure, ageing, resolutions per officer (30 days)."""
    today = today or timezone.localdate()
    open_rows = Case.objects.filter(office_id=office_id, status__in=UNDECIDED)
    backlog = list(open_rows.values("procedure__code").annotate(n=Count("id")).order_by("-n"))
    now = timezone.now()
    week, month = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    ageing = [
        (_("0 a 7 días"), open_rows.filter(filed_at__gte=week).count()),
        (_("8 a 30 días"), open_rows.filter(filed_at__lt=week, filed_at__gte=month).count()),
        (_("Más de 30 días"), open_rows.filter(filed_at__lt=month).count()),
    ]
    throughput = list(Case.objects.filter(office_id=office_id, resolved_at__gte=now - dt.timedelta(days=30),
                                          resolved_by__isnull=False)
                      .values("resolved_by__username").annotate(n=Count("id")).order_by("-n"))
    from calendario.services import add_business_days

    risk_until = add_business_days(today, AT_RISK_BUSINESS_DAYS)
    near = open_rows.filter(due_on__isnull=False, due_on__lte=risk_until).count()
    return Dashboard(backlog=backlog, ageing=ageing, throughput=throughput, near_silence=near,
                     checks_pending=open_rows.filter(checks_pending=True).count())


def person_records(person_id: int) -> list[PersonRecord]:
    """The person's cases for the officers' person page (rim.hooks)."""
    records = []
    for case in Case.objects.filter(person_id=person_id).exclude(status=S.DRAFT).select_related("procedure")[:50]:
        records.append(PersonRecord(
            kind=spec_of(case.procedure).name, reference=case.number, status=case.get_status_display(),
            when=case.filed_at or case.created_at, url=f"/tramites/servidor/expedientes/{case.pk}/"))
    return records


def open_case_count(person_id: int) -> int:
    return Case.objects.filter(person_id=person_id, status__in=OPEN_STATES).count()
