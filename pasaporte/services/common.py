"""Shared pieces of the pasaporte services: the declared transitions and the one service that applies them."""
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from auditoria.services import actor_repr, audit_record
from migraciones.errors import Conflict, NotFound

from ..models import Application, ApplicationEvent

S = Application.Status

# The only moves an application can make; every service goes through application_transition.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PAID: frozenset({S.BOOKED, S.CANCELLED}),
    S.BOOKED: frozenset({S.VALIDATION_PENDING, S.VALIDATED, S.OBSERVED, S.CANCELLED}),
    S.VALIDATION_PENDING: frozenset({S.VALIDATED, S.OBSERVED, S.CANCELLED}),
    S.OBSERVED: frozenset({S.VALIDATED, S.ENROLLED, S.REJECTED}),
    S.VALIDATED: frozenset({S.ENROLLED, S.OBSERVED, S.CANCELLED}),
    S.ENROLLED: frozenset({S.PERSONALIZING}),
    S.PERSONALIZING: frozenset({S.READY}),
    S.READY: frozenset({S.DELIVERED, S.EXPIRED}),
    S.DELIVERED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}
# Still in progress: the states in which a person cannot open a second application.
OPEN_STATUSES = frozenset(s for s in S.values if s not in {S.DELIVERED, S.REJECTED, S.CANCELLED, S.EXPIRED})


def application_lock(application_id: int) -> Application:
    """The application row, locked until the end of the current transaction."""
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("La solicitud no existe."), fields={"application": _("No encontrada.")})
    return application


@transaction.atomic
def application_transition(*, actor: Any, application_id: int, to: str, reason: str = "") -> Application:
    """Move an application to `to` if the table allows it: event row, audit entry, e-mail after commit."""
    application = application_lock(application_id)
    previous = application.status
    if to not in TRANSITIONS[previous]:
        raise Conflict(
            _("La solicitud está en «%(from)s» y no puede pasar a «%(to)s».")
            % {"from": S(previous).label, "to": S(to).label},
            fields={"status": previous},
        )
    application.status = to
    application.status_reason = reason[:300]
    application.save(update_fields=["status", "status_reason", "updated_at"])
    ApplicationEvent.objects.create(
        application=application, from_status=previous, to_status=to, note=reason[:300], actor_repr=actor_repr(actor)
    )
    audit_record(actor=actor, action=f"pasaporte.application_{to.lower()}", obj=application,
                 person_id=application.person_id, details={"from": previous, "to": to, "reason": reason[:300]})
    from ..tasks import notify_status_task

    transaction.on_commit(lambda: notify_status_task.delay(application.pk, to))
    return application
