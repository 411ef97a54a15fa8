"""Reads of tramites: the catalogue for a person, their cases, the officers' queue and dashboard.

Every read of a person's case writes an audit READ entry with its purpose (the person's access log).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
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
    """Business days until the case's legal deadline (negative: how many since it passed). The queue
    computes them once per due date of its page (see `queue`); any other case is counted here."""
    if case.due_on is None:
        return None
    today = today or timezone.localdate()
    known = getattr(case, "_days_left", None)
    if known is not None and known[0] == (today, case.due_on):
        return known[1]
    if case.due_on < today:
        return -business_days_between(case.due_on, today)
    return business_days_between(today, case.due_on)


def queue(*, office_id: int, procedure_code: str = "", status: str = "", assigned_to=None,
          limit: int = 50, after: tuple[dt.date | None, int] | None = None) -> list[Case]:
    """Open cases of a sede, nearest legal deadline first (the ones at risk of silence lead), those with
    no legal term last; keyset pagination on (due_on, id) so a page costs the same on the millionth case
    as on the first (the partial indexes of migration 0003 give the rows in this order). Each row comes
    with its business days left, counted once per due date of the page."""
    rows = (Case.objects.filter(office_id=office_id, status__in=UNDECIDED).select_related("procedure", "assigned_to")
            .defer("procedure__spec"))  # spec_of keeps each version's spec: read only on its first use
    if procedure_code:
        rows = rows.filter(procedure__code=procedure_code)
    if status:
        rows = rows.filter(status=status)
    if assigned_to is not None:
        rows = rows.filter(assigned_to=assigned_to)
    page: list[Case] = []
    if after is None or after[0] is not None:
        dated = rows.filter(due_on__isnull=False)
        if after is not None:
            due, pk = after
            # due_on >= due bounds the index range; the OR only trims the first due date's rows.
            dated = dated.filter(Q(due_on__gte=due) & (Q(due_on__gt=due) | Q(pk__gt=pk)))
        page = list(dated.order_by("due_on", "id")[:limit])
    if len(page) < limit:
        undated = rows.filter(due_on__isnull=True)
        if after is not None and after[0] is None:
            undated = undated.filter(pk__gt=after[1])
        page += list(undated.order_by("id")[:limit - len(page)])
    today = timezone.localdate()
    counted: dict[dt.date, int | None] = {}
    for case in page:
        if case.due_on is not None:
            if case.due_on not in counted:
                counted[case.due_on] = business_days_left(case, today=today)
            case._days_left = ((today, case.due_on), counted[case.due_on])
    return page


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
    """The supervisor's view of a sede: backlog per procedure, ageing, resolutions per officer (30 days).
    The open cases are read once (one pass with filtered counts per procedure), not once per figure."""
    from calendario.services import add_business_days

    today = today or timezone.localdate()
    now = timezone.now()
    week, month = now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    risk_until = add_business_days(today, AT_RISK_BUSINESS_DAYS)
    per_procedure = (Case.objects.filter(office_id=office_id, status__in=UNDECIDED).order_by().values("procedure_id")
                     .annotate(n=Count("id"), recent=Count("id", filter=Q(filed_at__gte=week)),
                               middle=Count("id", filter=Q(filed_at__lt=week, filed_at__gte=month)),
                               old=Count("id", filter=Q(filed_at__lt=month)),
                               near=Count("id", filter=Q(due_on__isnull=False, due_on__lte=risk_until)),
                               pending=Count("id", filter=Q(checks_pending=True))))
    codes = dict(ProcedureType.objects.values_list("pk", "code"))
    by_code: dict[str, int] = {}
    totals = {"recent": 0, "middle": 0, "old": 0, "near": 0, "pending": 0}
    for row in per_procedure:
        code = codes[row["procedure_id"]]  # a procedure's versions count together
        by_code[code] = by_code.get(code, 0) + row["n"]
        for key in totals:
            totals[key] += row[key]
    backlog = [{"procedure__code": code, "n": n} for code, n in sorted(by_code.items(), key=lambda item: -item[1])]
    ageing = [(_("0 a 7 días"), totals["recent"]), (_("8 a 30 días"), totals["middle"]),
              (_("Más de 30 días"), totals["old"])]
    throughput = list(Case.objects.filter(office_id=office_id, resolved_at__gte=now - dt.timedelta(days=30),
                                          resolved_by__isnull=False)
                      .values("resolved_by__username").annotate(n=Count("id")).order_by("-n"))
    return Dashboard(backlog=backlog, ageing=ageing, throughput=throughput, near_silence=totals["near"],
                     checks_pending=totals["pending"])


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
