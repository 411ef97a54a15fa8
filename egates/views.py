"""Supervisors' page: every gate's state, its last heartbeat and its last decisions."""
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from control.selectors import officer_crossing_point
from cuentas.web import role_required

from .selectors import gates_overview


@role_required("supervisor")
def gates(request: HttpRequest) -> HttpResponse:
    point = officer_crossing_point(user=request.user)
    if point is None:
        raise PermissionDenied(_("Su usuario no tiene un puesto de control asignado."))
    template = "egates/gates_region.html" if request.headers.get("X-Poll") == "1" else "egates/gates.html"
    return render(request, template, {"gates": gates_overview(crossing_point=point.code)})
