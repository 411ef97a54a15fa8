"""The declared transitions of a cita (workflow.Machine): booked once, then closed once.

A cita has no event table: it changes state at most twice (booked, then rescheduled, cancelled,
attended or a no-show), and the row keeps the close (`status`, `reason`, `closed_at`); each step is
also an audit entry. A reschedule closes the old cita and books a new one, which names both turns.
Side effects belong to the record the cita serves: its service's hook (citas.hooks) queues them.
"""
from django.utils.translation import gettext_lazy

from workflow.machine import Machine, Transition

from .audit_actions import AuditAction as A
from .models import Appointment

S = Appointment.Status

APPOINTMENT: Machine[Appointment] = Machine(
    model=Appointment,
    field="status",
    transitions=[
        Transition("book", (), S.BOOKED, action=A.APPOINTMENT_BOOK),
        Transition("book_rescheduled", (), S.BOOKED, action=A.APPOINTMENT_RESCHEDULE),
        Transition("reschedule", {S.BOOKED}, S.RESCHEDULED, action=A.APPOINTMENT_REPLACED),
        Transition("cancel", {S.BOOKED}, S.CANCELLED, action=A.APPOINTMENT_CANCEL),
        Transition("attend", {S.BOOKED}, S.ATTENDED, action=A.APPOINTMENT_ATTEND),
        Transition("no_show", {S.BOOKED}, S.NO_SHOW, action=A.APPOINTMENT_NO_SHOW),
    ],
    refused_message=gettext_lazy("La cita no está vigente."),
)
