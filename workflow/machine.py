"""Declared states and transitions of a long-lived record, and the one function that applies them.

An app declares one `Machine` per record in `<app>/workflows.py`:

    APPLICATION = Machine(
        model=Application, field="status",
        transitions=[Transition("book", {S.PAID}, S.BOOKED, action=AuditAction.APPLICATION_BOOKED), ...],
        event=_application_event,          # writes the model's own event row (optional)
        effects=_application_effects,      # side effects to queue through the outbox (optional)
    )

`APPLICATION.transition(actor=..., pk=..., name="book")` then, in one transaction: locks the row
(SELECT ... FOR UPDATE), re-reads its state, refuses a wrong start state with `TransitionNotAllowed`
(409, code "transition_not_allowed") writing nothing, sets the new state and the caller's other
field changes, writes the event row and the audit entry, and enqueues the side effects in the outbox
(published only when the transaction commits). A transition declared with no start state creates the
row (`APPOINTMENT.create(appointment, "book", actor=...)`) with the same event, audit and effects. The table is checked against the field's choices
when it is declared, so a new status without a transition fails at import, not in production.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from auditoria.actions import audit_action_known
from auditoria.services import audit_record
from core.actor import Actor
from core.errors import Conflict, NotFound
from outbox.services import enqueue_task

M = TypeVar("M", bound=models.Model)

_MACHINES: list[Machine[Any]] = []


class TransitionNotAllowed(Conflict):
    """The record is not in a state the transition starts from (already decided, or not yet there)."""

    status, code = 409, "transition_not_allowed"


@dataclass(frozen=True, init=False)
class Transition:
    """One allowed move: its name, the states it starts from, the state it ends in, its audit action."""

    name: str
    sources: frozenset[str]
    target: str
    action: str

    def __init__(self, name: str, sources: Iterable[str], target: str, *, action: str):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "action", action)


@dataclass(frozen=True)
class Effect:
    """A task to queue through the outbox when the transition commits (ids and short codes only)."""

    task_name: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    queue: str = ""


@dataclass(frozen=True)
class Change(Generic[M]):
    """What a transition did, as the event and effect hooks see it (the row is still locked)."""

    obj: M
    transition: Transition
    source: str
    actor: Actor
    reason: str

    @property
    def target(self) -> str:
        return self.transition.target


def _default_person(obj: models.Model) -> int | None:
    return getattr(obj, "person_id", None)


class Machine(Generic[M]):
    """The declared transitions of one model's state field (see the module docstring)."""

    def __init__(
        self,
        *,
        model: type[M],
        transitions: Iterable[Transition],
        field: str = "status",
        event: Callable[[Change[M]], None] | None = None,
        effects: Callable[[Change[M]], Iterable[Effect]] | None = None,
        person: Callable[[M], int | None] = _default_person,
        refused_message: str | Promise | Callable[[M, str, Transition], str] | None = None,
        audit_purpose: str = "",
        states_without_transitions: Iterable[str] = (),
    ):
        self.model = model
        self.field = field
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.transitions:
                raise ImproperlyConfigured(f"{model._meta.label}: transition {t.name!r} declared twice")
            self.transitions[t.name] = t
        self.event = event
        self.effects = effects
        self.person = person
        self.refused_message = refused_message
        self.audit_purpose = audit_purpose
        self.states_without_transitions = frozenset(str(s) for s in states_without_transitions)
        problems = self.table_problems()
        if problems:
            raise ImproperlyConfigured(f"{model._meta.label}.{field}: " + "; ".join(problems))
        _MACHINES.append(self)

    # ---- the declared table -------------------------------------------------------------------
    @property
    def choices(self) -> frozenset[str]:
        return frozenset(str(value) for value, _label in self.model._meta.get_field(self.field).choices)

    def table_problems(self) -> list[str]:
        """What is wrong with the table against the field's choices (empty when it covers them)."""
        choices = self.choices
        mentioned = set(self.states_without_transitions)
        problems = []
        for t in self.transitions.values():
            for state in t.sources | {t.target}:
                if state not in choices:
                    problems.append(f"transition {t.name!r} names {state!r}, which is not a choice")
            mentioned |= t.sources | {t.target}
        for state in sorted(choices - mentioned):
            problems.append(f"status {state!r} is in no transition (declare it or list it in states_without_transitions)")
        return problems

    def action_problems(self) -> list[str]:
        """Audit actions of the table that no app registry declares (checked once registries are loaded)."""
        return [f"transition {t.name!r}: audit action {t.action!r} is not in a registry"
                for t in self.transitions.values() if not audit_action_known(t.action)]

    def allowed_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]

    def targets_from(self, state: str) -> frozenset[str]:
        return frozenset(t.target for t in self.allowed_from(state))

    def named_for(self, *, source: str, target: str) -> Transition:
        """The transition from `source` to `target` (for callers that speak in target states)."""
        for t in self.transitions.values():
            if t.target == target and source in t.sources:
                return t
        for t in self.transitions.values():
            if t.target == target:
                return t
        raise KeyError(f"{self.model._meta.label}: no transition reaches {target!r}")

    # ---- applying it --------------------------------------------------------------------------
    def lock(self, pk: Any, *, queryset: models.QuerySet[M] | None = None, not_found: str = "") -> M:
        """The row, locked until the end of the current transaction (NotFound when there is none)."""
        rows = queryset if queryset is not None else self.model._default_manager.all()
        obj = rows.select_for_update().filter(pk=pk).first()
        if obj is None:
            raise NotFound(not_found or _("El registro no existe."), fields={"id": _("No encontrado.")})
        return obj

    def refuse_unless(self, obj: M, name: str) -> Transition:
        """Raise TransitionNotAllowed unless `obj` (as held) is in a state `name` starts from."""
        t = self.transitions[name]
        state = str(getattr(obj, self.field))
        if state not in t.sources:
            raise self._refused(obj, state, t)
        return t

    def apply(self, obj: M, name: str, *, actor: Actor, reason: str = "", changes: Mapping[str, Any] | None = None,
              details: Mapping[str, Any] | None = None, work: Callable[[M], None] | None = None) -> M:
        """Apply transition `name` to `obj` inside the caller's transaction (see `transition`).

        `work` is what the transition itself does besides the state (e.g. record a movement): it runs
        after the new state is saved and before the event and audit entry, which then see its result.
        """
        t = self.transitions[name]
        with transaction.atomic():
            # Re-read the state under the lock: the caller's copy may predate a concurrent transition.
            current = (self.model._default_manager.select_for_update().filter(pk=obj.pk)
                       .values_list(self.field, flat=True).first())
            if current is None:
                raise NotFound(_("El registro no existe."), fields={"id": _("No encontrado.")})
            setattr(obj, self.field, current)
            self.refuse_unless(obj, name)
            setattr(obj, self.field, t.target)
            for attribute, value in (changes or {}).items():
                setattr(obj, attribute, value)
            auto_now = [f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
            obj.save(update_fields=list(dict.fromkeys([self.field, *(changes or {}), *auto_now])))
            if work is not None:
                work(obj)
            self._record(Change(obj=obj, transition=t, source=str(current), actor=actor, reason=reason), details)
        return obj

    def _record(self, change: Change[M], details: Mapping[str, Any] | None) -> None:
        # The event row, the audit entry and the side effects of one applied transition.
        if self.event is not None:
            self.event(change)
        audit_record(actor=change.actor, action=change.transition.action, obj=change.obj,
                     person_id=self.person(change.obj), purpose=self.audit_purpose,
                     details={"from": change.source, "to": change.target, "reason": change.reason[:300],
                              **(details or {})})
        for effect in (self.effects(change) if self.effects is not None else ()):
            enqueue_task(effect.task_name, kwargs=dict(effect.kwargs), queue=effect.queue)

    def create(self, obj: M, name: str, *, actor: Actor, reason: str = "", details: Mapping[str, Any] | None = None,
               work: Callable[[M], None] | None = None) -> M:
        """Save the new row `obj` in the state of creation transition `name` (one declared with no start
        state, e.g. a cita booked), then, as `apply` does, `work`, the event row, the audit entry and the
        side effects, all in the caller's transaction. The caller validates (`full_clean`) first."""
        t = self.transitions[name]
        if t.sources or obj.pk is not None:
            raise ImproperlyConfigured(f"{self.model._meta.label}: {name!r} is not a creation or the row exists")
        with transaction.atomic():
            setattr(obj, self.field, t.target)
            obj.save(force_insert=True)
            if work is not None:
                work(obj)
            self._record(Change(obj=obj, transition=t, source="", actor=actor, reason=reason), details)
        return obj

    def transition(self, *, actor: Actor, pk: Any, name: str, reason: str = "",
                   changes: Mapping[str, Any] | None = None, details: Mapping[str, Any] | None = None,
                   queryset: models.QuerySet[M] | None = None, guard: Callable[[M], None] | None = None,
                   not_found: str = "", work: Callable[[M], None] | None = None) -> M:
        """Lock the row, check (`guard`, then the start state), apply: one transaction, all or nothing."""
        with transaction.atomic():
            obj = self.lock(pk, queryset=queryset, not_found=not_found)
            if guard is not None:
                guard(obj)
            return self.apply(obj, name, actor=actor, reason=reason, changes=changes, details=details, work=work)

    def _refused(self, obj: M, state: str, t: Transition) -> TransitionNotAllowed:
        if isinstance(self.refused_message, (str, Promise)):
            message = str(self.refused_message)
        elif self.refused_message is not None:
            message = self.refused_message(obj, state, t)
        else:
            message = _("El registro está en «%(state)s» y no admite ese cambio.") % {"state": state}
        return TransitionNotAllowed(message, fields={self.field: state},
                                    extra={"transition": t.name, "from": state})


def machines() -> list[Machine[Any]]:
    """Every machine declared so far (workflow's AppConfig imports each app's `workflows` first)."""
    return list(_MACHINES)
