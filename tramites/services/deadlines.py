"""The periodic work on open cases (beat): notifications that took effect, finality, observations not
answered in time, abandonment, positive silence. Each step re-reads the case under its lock and acts only
from the state it expects, so a run repeated (or two workers at once) changes nothing the second time."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from auditoria.services import audit_record
from buzon.models import Notice
from buzon.selectors import deemed_on_for, notice_dates
from buzon.services import deem_cutoff
from calendario.services import deadline_after_notification, deadline_calendar_days
from core.actor import Actor
from pagos import selectors as pagos_selectors
from pagos import services as pagos_services

from ..audit_actions import AuditAction
from ..catalogue import spec_of
from ..models import Case, CaseAct, Observation, ProcedureType
from ..workflows import CASE
from .applicant import APPEAL_BUSINESS_DAYS, FINE_PURPOSE, PAYMENT_PURPOSE, observation_deadline
from .evaluation import _resolve, checks_state

S = Case.Status
O = Case.Outcome
SYSTEM: Actor = "system:tramites"
# Days of inactivity caused by the applicant after which abandonment is declared (TUO 27444).
ABANDONMENT_DAYS = 30


def _resolution_notice(case: Case):
    act = CaseAct.objects.filter(case=case, notice__isnull=False).select_related("notice").order_by("id").first()
    return act.notice if act else None


def case_notification_sync(*, case_id: int, actor: Actor = SYSTEM) -> bool:
    """An adverse resolution becomes NOTIFIED on the day its notice took legal effect (read, deemed or
    acknowledged)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, status=S.RESOLVED).first()
        if case is None:
            return False
        notice = _resolution_notice(case)
        dates = notice_dates(notice) if notice is not None else None
        if dates is None or dates.notified_on is None:
            return False
        CASE.apply(case, "notify", actor=actor, changes={"notified_on": dates.notified_on},
                   reason=dates.notified_by or "")
        return True


def case_finality(*, case_id: int, today: dt.date, actor: Actor = SYSTEM) -> bool:
    """A notified resolution no one appealed within 15 business days is final."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, status=S.NOTIFIED).first()
        if case is None or case.notified_on is None:
            return False
        if today <= deadline_after_notification(case.notified_on, APPEAL_BUSINESS_DAYS):
            return False
        CASE.apply(case, "become_final", actor=actor, changes={"final_on": today})
        return True


def _refund(case: Case, actor: Actor) -> list[int]:
    """Give back what the case paid (art. 136: a filing not corrected counts as not filed, fee refunded)."""
    refunded = []
    for purpose in (PAYMENT_PURPOSE, FINE_PURPOSE):
        payment = pagos_selectors.payment_for_record(purpose, case.pk)
        if payment is not None and payment.status == payment.Status.PAID:
            refund = pagos_services.payment_refund(actor=actor, payment_id=payment.pk,
                                                   reason=f"expediente {case.number} no presentado (art. 136)")
            refunded.append(refund.pk)
    return refunded


def case_observation_lapse(*, case_id: int, today: dt.date, actor: Actor = SYSTEM) -> str:
    """An observation not answered by its deadline: a formal one makes the filing not filed (with the
    fee refunded); a requirement left 30 days past its notification without the applicant acting is
    declared abandoned."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, status=S.OBSERVED).first()
        if case is None:
            return ""
        observation = (Observation.objects.select_related("notice").filter(case=case, answered_at__isnull=True)
                       .order_by("-created_at").first())
        if observation is None:
            return ""
        deadline = observation_deadline(observation)
        if deadline is None or today <= deadline:
            return ""
        if observation.kind == Observation.Kind.FORMAL:
            CASE.apply(case, "not_file", actor=actor, reason="observación no subsanada en plazo",
                       changes={"closed_reason": "observación no subsanada en plazo"},
                       work=lambda c: _refund(c, actor))
            audit_record(actor=actor, action=AuditAction.CASE_REFUND, obj=case, person_id=case.person_id)
            return S.NOT_FILED
        idle_since = case.applicant_active_at or case.filed_at
        if (today - timezone.localtime(idle_since).date()).days < ABANDONMENT_DAYS:
            return ""
        CASE.apply(case, "abandon", actor=actor, reason="inactividad del solicitante",
                   changes={"closed_reason": "abandono por inactividad del solicitante"})
        return S.ABANDONED


def case_positive_silence(*, case_id: int, today: dt.date, actor: Actor = SYSTEM) -> bool:
    """The term passed with no resolution on a positive-silence procedure: approved by silence, with its
    effects; never while a check is pending or showed a record (such a case waits for an officer)."""
    with transaction.atomic():
        case = (Case.objects.select_for_update(of=("self",))
                .select_related("procedure", "person", "office", "applicant")
                .filter(pk=case_id, status__in=(S.FILED, S.IN_EVALUATION, S.CORRECTED)).first())
        if case is None or case.due_on is None or today <= case.due_on:
            return False
        spec = spec_of(case.procedure)
        if spec.silence != "POSITIVE" or checks_state(case) in ("pending", "hit"):
            return False
        _resolve(case, outcome=O.APPROVED_BY_SILENCE,
                 text="Aprobado por silencio administrativo positivo (art. 35 del TUO de la Ley 27444): el plazo "
                      f"legal venció el {case.due_on:%d/%m/%Y} sin resolución notificada.", actor=actor)
        return True


def _last_day_ending_before(today: dt.date, end_of, *, at_least: int) -> dt.date:
    """The last day D whose term `end_of(D)` ends before `today`. `end_of` is monotonic in D and ends at
    least `at_least` calendar days after D, so the walk starts there and goes back over the holidays."""
    day = today - dt.timedelta(days=at_least + 1)
    while end_of(day) >= today:
        day -= dt.timedelta(days=1)
    return day


def _midnight_after(day: dt.date) -> dt.datetime:
    """The first moment (local time) of the day after `day`: `moment < this` means "on or before `day`"."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _notified_notices(today: dt.date) -> Q:
    """Notices that took legal effect by `today`: read, acknowledged, or (casilla) unopened past the
    reading term (the same dates as buzon.selectors.notice_dates)."""
    deemed_until = deem_cutoff(today)
    return (Q(read_at__isnull=False) | Q(acknowledged_at__isnull=False)
            | Q(casilla__isnull=False, deemed_on__isnull=False, deemed_on__lte=today)
            | Q(casilla__isnull=False, deemed_on__isnull=True, deposited_at__lt=_midnight_after(deemed_until)))


def _lapsed_observations(today: dt.date) -> Q:
    """Open observations whose answer term may have ended before `today`. The term runs from the notice's
    legal notification, which is never before its deposit: for each term (and extension) in use, the
    notices deposited (or, unopened, deemed) late enough are left out. A superset: the step decides."""
    terms = (Observation.objects.filter(answered_at__isnull=True, case__status=S.OBSERVED, notice__isnull=False)
             .order_by().values_list("term_business_days", "extension_days").distinct())
    due = Q(pk__in=[])
    for term, extension in terms:
        def ends(day: dt.date, term=term, extension=extension) -> dt.date:
            end = deadline_after_notification(day, term)
            return deadline_calendar_days(end, extension) if extension else end

        read_by = _last_day_ending_before(today, ends, at_least=term + extension)
        unopened_by = _last_day_ending_before(today, lambda day: ends(deemed_on_for(day)), at_least=term + extension)
        due |= Q(term_business_days=term, extension_days=extension) & (
            Q(notice__read_at__isnull=False, notice__deposited_at__lt=_midnight_after(read_by))
            | Q(notice__acknowledged_at__isnull=False, notice__deposited_at__lt=_midnight_after(read_by))
            | Q(notice__casilla__isnull=False, notice__deemed_on__isnull=False, notice__deemed_on__lte=read_by)
            | Q(notice__casilla__isnull=False, notice__deemed_on__isnull=True, notice__read_at__isnull=True,
                notice__deposited_at__lt=_midnight_after(unopened_by)))
    return due


def _in_batches(rows, batch: int):
    """The ids of `rows` in ascending order, `batch` at a time (keyset on id: each batch is one indexed read)."""
    last = 0
    while True:
        ids = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        yield from ids
        if len(ids) < batch:
            return
        last = ids[-1]


def cases_deadlines_apply(*, today: dt.date | None = None, actor: Actor = SYSTEM, batch: int = 2000) -> dict[str, int]:
    """One pass of the beat over the cases that may have a step due today. Each category is read in SQL
    by what can be due (a resolution whose notice took effect, an appeal term that may have ended, an
    observation whose term may have ended, a positive-silence term that passed), never by walking every
    open case; each case found is then decided by its step, under its lock, in its own short transaction,
    so a run repeated changes nothing."""
    today = today or timezone.localdate()
    done = {"notified": 0, "final": 0, "not_filed": 0, "abandoned": 0, "silence": 0}
    # notice_dates counts an unopened notice as deemed by the real date: look as far as either day.
    notices = _notified_notices(max(today, timezone.localdate()))
    resolved = Case.objects.filter(status=S.RESOLVED).filter(Exists(
        CaseAct.objects.filter(case=OuterRef("pk"), notice__in=Notice.objects.filter(notices))))
    for case_id in _in_batches(resolved, batch):
        done["notified"] += case_notification_sync(case_id=case_id, actor=actor)
    appeal_ended = _last_day_ending_before(
        today, lambda day: deadline_after_notification(day, APPEAL_BUSINESS_DAYS), at_least=APPEAL_BUSINESS_DAYS)
    for case_id in _in_batches(Case.objects.filter(status=S.NOTIFIED, notified_on__lte=appeal_ended), batch):
        done["final"] += case_finality(case_id=case_id, today=today, actor=actor)
    observed = Case.objects.filter(status=S.OBSERVED).filter(Exists(
        Observation.objects.filter(_lapsed_observations(today), case=OuterRef("pk"), answered_at__isnull=True)))
    for case_id in _in_batches(observed, batch):
        result = case_observation_lapse(case_id=case_id, today=today, actor=actor)
        done["not_filed"] += result == S.NOT_FILED
        done["abandoned"] += result == S.ABANDONED
    positive = [p.pk for p in ProcedureType.objects.all() if spec_of(p).silence == "POSITIVE"]
    # A case waiting for a source that did not answer is never approved by silence: not read at all.
    overdue = Case.objects.filter(status__in=(S.FILED, S.IN_EVALUATION, S.CORRECTED), due_on__lt=today,
                                  procedure_id__in=positive, checks_pending=False)
    for case_id in _in_batches(overdue, batch):
        done["silence"] += case_positive_silence(case_id=case_id, today=today, actor=actor)
    return done
