"""The audit action names of buzon: its one registry (auditoria refuses buzon.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="buzon"):
    CASILLA_ACCEPT = "buzon.casilla_accept"
    CASILLA_REVOKE = "buzon.casilla_revoke"
    NOTICE_DEPOSIT = "buzon.notice_deposit"
    NOTICE_PENDING_PERSONAL = "buzon.notice_pending_personal"
    NOTICE_OPEN = "buzon.notice_open"
    NOTICE_DEEMED = "buzon.notice_deemed"
    NOTICE_ACKNOWLEDGE = "buzon.notice_acknowledge"
    NOTICE_READ = Action("buzon.notice_read", _("abrió una notificación de su casilla electrónica"))
    NOTICES_LIST_READ = Action("buzon.notices_list_read", _("vio la lista de sus notificaciones"))
    NOTICE_ALERT_SENT = "buzon.notice_alert_sent"
    NOTICE_ALERT_FAILED = "buzon.notice_alert_failed"
    CARGO_ISSUE = "buzon.cargo_issue"
