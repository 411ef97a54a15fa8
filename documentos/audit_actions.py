"""The audit action names of documentos: its one registry (auditoria refuses documentos.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="documentos"):
    ISSUE = "documentos.issue"
    REVOKE = "documentos.revoke"
    # Reads for the holder to see: the PDF served, a public check by code or by file.
    PDF = "documentos.pdf"
    VERIFY = "documentos.verify"
