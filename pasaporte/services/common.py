"""Shared pieces of the pasaporte services: the declared transitions and the one service that applies them."""

from django.db import transaction
from django.utils.translation import gettext as _

from auditoria.services import actor_repr, audit_record
from core.actor import Actor
from core.errors import Conflict, NotFound, PermissionDenied
from outbox.services import enqueue_task

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


def staff_check_office(*, actor: Actor, office_id: int | None) -> None:
    """Staff act only on their own sede's citas and applications; staff without a sede are refused.

    System actors (a string: the beat's no-show release, validation) are the server's own code.
    """
    if isinstance(actor, str):
        return
    if not getattr(actor, "is_staff_role", False):
        raise PermissionDenied(_("Su rol no permite esta operación."), fields={"actor": _("Sin rol de servidor.")})
    if actor.office_id is None:
        raise PermissionDenied(_("Su usuario no tiene una sede asignada."), fields={"office": _("Sin sede.")})
    if office_id != actor.office_id:
        raise PermissionDenied(_("La solicitud es de otra sede."), fields={"office": _("Otra sede.")})


def application_lock(application_id: int) -> Application:
    """The application row, locked until the end of the current transaction."""
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("La solicitud no existe."), fields={"application": _("No encontrada.")})
    return application


@transaction.atomic
def application_transition(*, actor: Actor, application_id: int, to: str, reason: str = "") -> Application:
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
    # Through the outbox: committed with the change, published after it, swept again if the broker is down.
    enqueue_task("pasaporte.tasks.notify_status_task", queue="notifications",
                 kwargs={"application_id": application.pk, "status": str(to)})
    return application
