"""The workflow helper: a transition is all or nothing, refused from a wrong state, and won once under a race."""
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction

from auditoria.actions import AuditActions, UnknownAuditAction
from auditoria.models import AuditEntry
from auditoria.services import audit_record
from core.actor import actor_name
from outbox.models import OutboxMessage
from workflow.machine import Effect, Machine, Transition, TransitionNotAllowed, machines

from .models import Ticket, TicketEvent

PURGE = "cuentas.tasks.device_nonces_purge"  # a real, harmless, idempotent task
S = Ticket.Status


class TicketAction(AuditActions, namespace="workflowtest"):
    OPEN = "workflowtest.ticket_open"
    FINISH = "workflowtest.ticket_finish"
    CLOSE = "workflowtest.ticket_close"


def _event(change):
    TicketEvent.objects.create(ticket=change.obj, from_status=change.source, to_status=change.target,
                               actor_repr=actor_name(change.actor))


TICKET = Machine(
    model=Ticket,
    transitions=[
        Transition("open", (), S.OPEN, action=TicketAction.OPEN),
        Transition("finish", {S.OPEN}, S.DONE, action=TicketAction.FINISH),
        Transition("close", {S.OPEN, S.DONE}, S.CLOSED, action=TicketAction.CLOSE),
    ],
    event=_event,
    effects=lambda change: [Effect(PURGE)],
)


@pytest.fixture
def tables(django_db_blocker):
    """The test record's tables (created once, kept: transactional tests flush them like any other)."""
    with django_db_blocker.unblock():
        existing = connection.introspection.table_names()
        with connection.schema_editor() as editor:
            for model in (Ticket, TicketEvent):
                if model._meta.db_table not in existing:
                    editor.create_model(model)


def _entries(ticket):
    return AuditEntry.objects.filter(object_type="workflow.ticket", object_id=str(ticket.pk))


@pytest.mark.django_db
def test_a_wrong_start_state_is_refused_with_409_and_nothing_is_written(tables):
    # given a closed ticket
    ticket = Ticket.objects.create(status=S.CLOSED, person_id=7)
    # when someone tries to finish it
    with pytest.raises(TransitionNotAllowed) as refused:
        TICKET.transition(actor="oficial1", pk=ticket.pk, name="finish")
    # then a 409 with a clear code, and no state change, event, audit entry or queued task
    assert refused.value.status == 409 and refused.value.as_dict()["error"] == "transition_not_allowed"
    assert refused.value.as_dict()["from"] == "CLOSED" and refused.value.as_dict()["transition"] == "finish"
    ticket.refresh_from_db()
    assert ticket.status == S.CLOSED
    assert not TicketEvent.objects.exists() and not _entries(ticket).exists()
    assert not OutboxMessage.objects.filter(task_name=PURGE).exists()


@pytest.mark.django_db
def test_a_creation_saves_the_row_in_its_state_with_event_audit_entry_and_effect(tables):
    # when a record is created through its creation transition (one with no start state)
    ticket = TICKET.create(Ticket(person_id=7), "open", actor="oficial1", reason="nuevo")
    # then it is saved in the transition's state, with its event row, audit entry and queued task
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("from_status", "to_status")) == [("", "OPEN")]
    (entry,) = _entries(ticket)
    assert entry.action == TicketAction.OPEN and entry.person_id == 7
    assert (entry.details["from"], entry.details["to"], entry.details["reason"]) == ("", "OPEN", "nuevo")
    assert OutboxMessage.objects.filter(task_name=PURGE).count() == 1
    # and a creation never applies to an existing row, nor a move from a state creates one
    with pytest.raises(TransitionNotAllowed):
        TICKET.transition(actor="oficial1", pk=ticket.pk, name="open")
    with pytest.raises(ImproperlyConfigured):
        TICKET.create(ticket, "open", actor="oficial1")
    with pytest.raises(ImproperlyConfigured):
        TICKET.create(Ticket(person_id=7), "finish", actor="oficial1")
    assert Ticket.objects.count() == 1 and _entries(ticket).count() == 1


@pytest.mark.django_db
def test_a_transition_writes_the_state_event_audit_entry_and_queues_the_effect(tables):
    ticket = Ticket.objects.create(person_id=7)
    TICKET.transition(actor="oficial1", pk=ticket.pk, name="finish", reason="listo", changes={"note": "hecho"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.note) == (S.DONE, "hecho")
    (event,) = TicketEvent.objects.filter(ticket=ticket)
    assert (event.from_status, event.to_status, event.actor_repr) == ("OPEN", "DONE", "oficial1")
    (entry,) = _entries(ticket)
    assert entry.action == "workflowtest.ticket_finish" and entry.person_id == 7
    assert entry.details == {"from": "OPEN", "to": "DONE", "reason": "listo"}
    assert OutboxMessage.objects.filter(task_name=PURGE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transition_leaves_no_state_event_audit_entry_or_task(tables):
    ticket = Ticket.objects.create(person_id=7)
    # when the caller's transaction fails after the transition
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            TICKET.transition(actor="oficial1", pk=ticket.pk, name="finish")
            assert TicketEvent.objects.count() == 1 and _entries(ticket).count() == 1  # written together...
            raise RuntimeError("a later step of the same service failed")
    # then neither the event nor the audit entry survive, and the task was never queued or published
    ticket.refresh_from_db()
    assert ticket.status == S.OPEN
    assert not TicketEvent.objects.exists() and not _entries(ticket).exists()
    assert not OutboxMessage.objects.filter(task_name=PURGE).exists()


@pytest.mark.django_db(transaction=True)
def test_the_side_effect_is_published_only_when_the_transition_commits(tables):
    ticket = Ticket.objects.create()
    with transaction.atomic():
        TICKET.transition(actor="oficial1", pk=ticket.pk, name="close")
        # inside the transaction the task is recorded, not yet sent
        (message,) = OutboxMessage.objects.filter(task_name=PURGE)
        assert message.sent_at is None
    # after commit it is sent (eagerly run in tests, as `.delay()` would)
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_from_the_same_state_exactly_one_wins(tables):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks are what is tested")
    ticket = Ticket.objects.create(person_id=7)
    start, results = threading.Barrier(2), []

    def attempt(officer: str):
        try:
            # both read the ticket as OPEN before either locks it: only the lock and the re-read decide
            stale = Ticket.objects.get(pk=ticket.pk)
            start.wait()
            with transaction.atomic():
                TICKET.apply(stale, "finish", actor=officer)
            results.append("won")
        except TransitionNotAllowed as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(officer,)) for officer in ("oficial1", "oficial2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then exactly one won, the other was refused; one event, one audit entry, one queued task
    assert sorted(results) == ["transition_not_allowed", "won"]
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1 and _entries(ticket).count() == 1
    assert OutboxMessage.objects.filter(task_name=PURGE).count() == 1


@pytest.mark.django_db
def test_the_registry_refuses_an_action_name_its_app_does_not_declare(tables):
    # a declared name is recorded; a misspelt one of a declared namespace is refused, and nothing is written
    audit_record(actor="oficial1", action=TicketAction.FINISH)
    with pytest.raises(UnknownAuditAction):
        audit_record(actor="oficial1", action="workflowtest.ticket_finished")
    with pytest.raises(UnknownAuditAction):
        audit_record(actor="oficial1", action="pasaporte.application_booked_twice")
    assert not AuditEntry.objects.filter(action__in=["workflowtest.ticket_finished",
                                                     "pasaporte.application_booked_twice"]).exists()
    # and a registry cannot declare a name of another namespace
    with pytest.raises(UnknownAuditAction):
        type("Bad", (AuditActions,), {"X": "pagos.something"}, namespace="workflowtest2")


def test_a_table_that_misses_a_status_or_names_a_non_choice_is_refused_at_declaration():
    with pytest.raises(ImproperlyConfigured, match="'CLOSED' is in no transition"):
        Machine(model=Ticket, transitions=[Transition("finish", {S.OPEN}, S.DONE, action=TicketAction.FINISH)])
    with pytest.raises(ImproperlyConfigured, match="'LOST'"):
        Machine(model=Ticket, transitions=[Transition("lose", {S.OPEN}, "LOST", action=TicketAction.CLOSE)],
                states_without_transitions={S.DONE, S.CLOSED})


@pytest.mark.parametrize("label", ["pasaporte.Application", "control.Crossing", "biometria.DuplicateCase"])
def test_each_moved_record_has_a_table_that_covers_its_statuses(label):
    (machine,) = [m for m in machines() if m.model._meta.label == label]
    assert machine.table_problems() == []
    assert machine.action_problems() == []
    assert machine.choices <= {s for t in machine.transitions.values() for s in t.sources | {t.target}} \
        | machine.states_without_transitions
