"""Staff act only at their own sede: the one check every service makes before an officer's action."""
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import PermissionDenied


def staff_check_office(*, actor: Actor, office_id: int | None, other_office: str = "") -> None:
    """Refuse staff of another sede, staff without one and non-staff; system actors (a string: the beat,
    a pipeline task) are the server's own code and pass."""
    if isinstance(actor, str):
        return
    if not getattr(actor, "is_staff_role", False):
        raise PermissionDenied(_("Su rol no permite esta operación."), fields={"actor": _("Sin rol de servidor.")})
    if actor.office_id is None:
        raise PermissionDenied(_("Su usuario no tiene una sede asignada."), fields={"office": _("Sin sede.")})
    if office_id != actor.office_id:
        raise PermissionDenied(other_office or _("La solicitud es de otra sede."), fields={"office": _("Otra sede.")})
