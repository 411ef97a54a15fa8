"""The audit action names of documentos: its one registry (auditoria refuses documentos.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="documentos"):
    ISSUE = "documentos.issue"
    REVOKE = "documentos.revoke"
    # Reads for the holder to see: the PDF served, a public check by code or by file.
    PDF = Action("documentos.pdf", _("descargó un documento suyo"))
    VERIFY = Action("documentos.verify", _("verificó un documento suyo con su código"))
