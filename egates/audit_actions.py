"""The audit action names of egates: its one registry (auditoria refuses egates.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="egates"):
    STATE_CHANGE = "egates.state_change"
    OFFICER_SESSION_START = "egates.officer_session_start"
    OFFICER_SESSION_END = "egates.officer_session_end"
