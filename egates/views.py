"""Supervisors' page: every gate's state, its last heartbeat and its last decisions."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cuentas.web import role_required

from .selectors import gates_overview


@role_required("supervisor")
def gates(request: HttpRequest) -> HttpResponse:
    return render(request, "egates/gates.html", {"gates": gates_overview()})
