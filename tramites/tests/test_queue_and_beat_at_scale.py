"""What changed for a million cases: the officers' queue pages through every open case once, nearest legal
deadline first and those without a term last, with the business days left; the beat finds the case that
is due even when many others of its status are not."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from calendario.services import business_days_between
from tramites import selectors, services
from tramites.models import Case, ProcedureType

from .conftest import days

pytestmark = pytest.mark.django_db
S = Case.Status
_numbers = itertools.count(1)


def _case(person, user, office, *, status=S.FILED, due_on=None, **fields) -> Case:
    return Case.objects.create(procedure=ProcedureType.objects.get(code="PRORROGA_RESIDENCIA", active=True),
                               applicant=user, person=person, office=office, status=status,
                               number=f"EXP-2026-T{next(_numbers):05d}", filed_at=timezone.now(), due_on=due_on,
                               **fields)


def test_the_queue_pages_through_every_open_case_once_nearest_deadline_first(worker, worker_user, office):
    # given: open cases of the sede with terms ending on three days, two with no term, and a closed one
    dated = [_case(worker, worker_user, office, due_on=days(offset), status=status)
             for offset, status in [(20, S.FILED), (3, S.IN_EVALUATION), (3, S.CORRECTED), (-2, S.APPEALED),
                                    (20, S.FILED), (3, S.FILED)]]
    undated = [_case(worker, worker_user, office), _case(worker, worker_user, office)]
    _case(worker, worker_user, office, due_on=days(1), status=S.FINAL)
    # when: the officer reads the queue two cases a page, following "Siguientes"
    seen, after = [], None
    while True:
        page = selectors.queue(office_id=office.pk, limit=2, after=after)
        seen += page
        if len(page) < 2:
            break
        after = (page[-1].due_on, page[-1].pk)
    # then: every open case once, the overdue one first, by (due date, id), those without a term last
    expected = sorted(dated, key=lambda c: (c.due_on, c.pk)) + sorted(undated, key=lambda c: c.pk)
    assert [c.pk for c in seen] == [c.pk for c in expected]
    # and each row's business days left are those of its due date
    today = timezone.localdate()
    for case in seen:
        left = selectors.business_days_left(case)
        if case.due_on is None:
            assert left is None
        elif case.due_on < today:
            assert left == -business_days_between(case.due_on, today)
        else:
            assert left == business_days_between(today, case.due_on)


def test_the_beat_finds_the_due_case_behind_many_that_are_not(worker, worker_user, office):
    today = timezone.localdate()
    # given: five resolutions notified today (their appeal term runs) and one notified 40 days ago
    for _ in range(5):
        _case(worker, worker_user, office, status=S.NOTIFIED, notified_on=today, outcome="DENIED")
    due = _case(worker, worker_user, office, status=S.NOTIFIED, notified_on=today - dt.timedelta(days=40),
                outcome="DENIED")
    # when: the beat runs with small batches, twice
    first = services.cases_deadlines_apply(today=today, batch=2)
    second = services.cases_deadlines_apply(today=today, batch=2)
    # then: the old resolution is final, the others still open to appeal, and the second run changed nothing
    due.refresh_from_db()
    assert due.status == S.FINAL and first["final"] == 1 and second["final"] == 0
    assert Case.objects.filter(status=S.NOTIFIED).count() == 5


def test_the_supervisors_dashboard_counts_the_open_cases_of_the_sede(worker, worker_user, office):
    from cuentas.models import Office

    now = timezone.now()
    # given: four open cases of the sede (one filed 40 days ago, one due tomorrow, one waiting for a
    # source), one closed, and one of another sede
    _case(worker, worker_user, office, due_on=days(30))
    _case(worker, worker_user, office, due_on=days(1), status=S.IN_EVALUATION)
    _case(worker, worker_user, office, due_on=days(30), checks_pending=True)
    old = _case(worker, worker_user, office, due_on=days(20), status=S.CORRECTED)
    Case.objects.filter(pk=old.pk).update(filed_at=now - dt.timedelta(days=40))
    _case(worker, worker_user, office, due_on=days(1), status=S.FINAL)
    elsewhere = Office.objects.create(code="CUSCO", name="Sede Cusco", address="Av. Sol 1", city="Cusco")
    _case(worker, worker_user, elsewhere, due_on=days(1))
    # when: the supervisor opens the dashboard
    board = selectors.dashboard(office_id=office.pk)
    # then: the backlog, its ageing, the one near silence and the one waiting for a check
    assert board.backlog == [{"procedure__code": "PRORROGA_RESIDENCIA", "n": 4}]
    assert [n for _label, n in board.ageing] == [3, 0, 1]
    assert board.near_silence == 1 and board.checks_pending == 1
