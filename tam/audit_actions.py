"""The audit action names of tam: its one registry (auditoria refuses tam.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="tam"):
    ISSUE = "tam.issue"
    EMAIL = "tam.email"
    DOWNLOAD = Action("tam.download", _("descargó su TAM virtual"))
