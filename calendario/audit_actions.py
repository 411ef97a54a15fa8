"""The audit action names of calendario: its one registry (auditoria refuses calendario.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="calendario"):
    CALENDAR_YEAR_LOAD = "calendario.calendar_year_load"
