"""The registry of audit action names: each app declares its names once, in `<app>/audit_actions.py`.

An app's registry is a subclass of `AuditActions` naming its namespace (the app label); every
upper-case attribute is one action name and must start with "<namespace>.". Once a namespace is
declared, `audit_record` refuses a name of that namespace that its registry does not hold, so a
misspelt or run-time-built name fails the first test that reaches it instead of writing an entry
no inquiry will find. auditoria's AppConfig.ready imports every installed app's `audit_actions`.

A name the person may read about ("¿Quién consultó mis datos?") carries its label beside it:
`PERSON_GET = Action("rim.person_get", _("consultó su registro en el RIM"))`, a past-tense phrase that
follows who acted (gettext_lazy, Spanish first). `Action` is a `str`, so code passes and stores it as
before; `audit_action_label` finds the label of a stored name.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_NAMES: dict[str, str] = {}  # action name -> namespace
_NAMESPACES: set[str] = set()
_LABELS: dict[str, Any] = {}  # action name -> its label (lazy text) for the person's access log


class Action(str):
    """An action name with the words that tell a person what was done with their data."""

    label: Any

    def __new__(cls, name: str, label: Any = None) -> "Action":
        action = super().__new__(cls, name)
        action.label = label
        return action

    def __getnewargs__(self):
        return (str(self), self.label)


class UnknownAuditAction(Exception):
    """A programming error: an action name its app's registry does not declare."""


def audit_actions_register(*, namespace: str, names: Iterable[str]) -> None:
    """Declare `names` (all "<namespace>.…") as the namespace's audit actions."""
    names = list(names)
    for name in names:
        if not isinstance(name, str) or not name.startswith(f"{namespace}.") or len(name) > 100:
            raise UnknownAuditAction(f"audit action {name!r} does not belong to namespace {namespace!r}")
    _NAMESPACES.add(namespace)
    for name in names:
        _NAMES[name] = namespace
        label = getattr(name, "label", None)
        if label is not None:
            _LABELS[str(name)] = label


class AuditActions:
    """Base of an app's registry: `class AuditAction(AuditActions, namespace="pagos"): PAID = "pagos.payment_paid"`.

    Upper-case attributes that are strings are names; upper-case mappings (e.g. one name per page or
    per kind of record) contribute their values.
    """

    namespace: str = ""

    def __init_subclass__(cls, *, namespace: str, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.namespace = namespace
        names: list[str] = []
        for attribute, value in vars(cls).items():
            if not attribute.isupper():
                continue
            if isinstance(value, str):
                names.append(value)
            elif isinstance(value, Mapping):
                names.extend(value.values())
        audit_actions_register(namespace=namespace, names=names)

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(name for name, namespace in _NAMES.items() if namespace == cls.namespace)


def audit_action_check(name: str) -> None:
    """Refuse a name whose namespace has a registry that does not declare it."""
    if name in _NAMES:
        return
    namespace = name.split(".", 1)[0]
    if namespace in _NAMESPACES:
        raise UnknownAuditAction(
            f"audit action {name!r} is not declared in {namespace}/audit_actions.py")


def audit_action_known(name: str) -> bool:
    return name in _NAMES


def audit_action_label(name: str) -> Any:
    """The label declared beside a name (lazy text), or None when its registry gives none."""
    return _LABELS.get(name)
