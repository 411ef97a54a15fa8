"""The audit action names of tam: its one registry (auditoria refuses tam.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="tam"):
    ISSUE = "tam.issue"
    EMAIL = "tam.email"
    DOWNLOAD = "tam.download"
