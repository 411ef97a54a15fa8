"""What each service tells the payments rail at start-up (AppConfig.ready), so pagos never imports a service.

A purpose kind ("pasaporte.solicitud", "tramites.expediente", "control.multa") has a label (named when a
receipt is refused because that service used it) and, optionally, a paid-handler: called inside the
transaction that confirms a payment of that kind, it does the service's next step (pasaporte opens the
application) and returns the id of the record the payment now belongs to, or "" to keep it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.actor import Actor

if TYPE_CHECKING:
    from .models import Payment

PaidHandler = Callable[..., "str | int | None"]  # handler(*, actor: Actor, payment: Payment) -> record id


@dataclass(frozen=True)
class Purpose:
    kind: str
    label: object  # a lazy translation: the service's name as the person knows it
    on_paid: PaidHandler | None = None


_PURPOSES: dict[str, Purpose] = {}


def purpose_register(kind: str, *, label: object, on_paid: PaidHandler | None = None) -> None:
    """Declare a purpose kind (idempotent for the same handler: ready() may run twice in tests)."""
    current = _PURPOSES.get(kind)
    if current is not None and current.on_paid is not None and on_paid is not None and current.on_paid != on_paid:
        raise RuntimeError(f"purpose kind {kind!r} already has another paid-handler")
    _PURPOSES[kind] = Purpose(kind=kind, label=label, on_paid=on_paid)


def purpose_unregister(kind: str) -> None:
    """For tests that declare a purpose of their own."""
    _PURPOSES.pop(kind, None)


def purpose_known(kind: str) -> bool:
    return kind in _PURPOSES


def purpose_label(kind: str) -> str:
    """The service's name for a purpose kind (the kind itself when no service declared it)."""
    purpose = _PURPOSES.get(kind)
    return str(purpose.label) if purpose is not None else kind


def paid_handler_run(*, actor: Actor, payment: Payment) -> str:
    """Run the paid-handler of the payment's purpose kind; the record id it returns (or "")."""
    purpose = _PURPOSES.get(payment.purpose_kind)
    if purpose is None or purpose.on_paid is None:
        return ""
    record_id = purpose.on_paid(actor=actor, payment=payment)
    return "" if record_id is None else str(record_id)


def unknown_purpose_message(kind: str) -> str:
    return _("Ningún servicio recibe pagos de tipo «%(kind)s».") % {"kind": kind}
