"""Shared pieces of the pasaporte services: the declared transitions and the one service that applies them."""

from django.db import transaction
from django.utils.translation import gettext as _

from auditoria.services import actor_repr  # noqa: F401  (payments.py names the actor of the PAID event)
from core.actor import Actor
from cuentas.scoping import staff_check_office  # noqa: F401  (the services import it from here)

from ..models import Application
from ..notes import parts_of
from ..workflows import APPLICATION

S = Application.Status

# The only moves an application can make (declared in pasaporte/workflows.py), as {from: {to, ...}}.
TRANSITIONS: dict[str, frozenset[str]] = {state: APPLICATION.targets_from(state) for state in S.values}
# Still in progress: the states in which a person cannot open a second application.
OPEN_STATUSES = frozenset(s for s in S.values if s not in {S.DELIVERED, S.REJECTED, S.CANCELLED, S.EXPIRED})


def application_lock(application_id: int) -> Application:
    """The application row, locked until the end of the current transaction."""
    return APPLICATION.lock(application_id, not_found=_("La solicitud no existe."))


@transaction.atomic
def application_transition(*, actor: Actor, application_id: int, to: str, reason: str = "") -> Application:
    """Move an application to `to` if the table allows it: event row, audit entry, e-mail after commit."""
    application = application_lock(application_id)
    transition = APPLICATION.named_for(source=application.status, target=to)
    return APPLICATION.apply(application, transition.name, actor=actor, reason=reason,
                             changes={"status_reason": reason[:300],
                                                                      "status_reason_parts": parts_of(reason)})
