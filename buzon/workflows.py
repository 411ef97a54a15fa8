"""The declared transitions of a notice (workflow.Machine): opened, deemed notified, or acknowledged."""
from django.utils.translation import gettext_lazy

from workflow.machine import Machine, Transition

from .audit_actions import AuditAction
from .models import Notice

S = Notice.Status

NOTICE: Machine[Notice] = Machine(
    model=Notice,
    transitions=[
        Transition("open", {S.DEPOSITED}, S.READ, action=AuditAction.NOTICE_OPEN),
        Transition("deem", {S.DEPOSITED}, S.DEEMED, action=AuditAction.NOTICE_DEEMED),
        Transition("acknowledge", {S.PENDING_PERSONAL}, S.ACKNOWLEDGED, action=AuditAction.NOTICE_ACKNOWLEDGE),
    ],
    refused_message=gettext_lazy("Esta notificación ya fue notificada."),
    audit_purpose="notificación electrónica",
)
