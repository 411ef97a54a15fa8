"""The audit action names of buzon: its one registry (auditoria refuses buzon.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="buzon"):
    CASILLA_ACCEPT = "buzon.casilla_accept"
    CASILLA_REVOKE = "buzon.casilla_revoke"
    CASILLA_READ = "buzon.casilla_read"
    NOTICE_DEPOSIT = "buzon.notice_deposit"
    NOTICE_PENDING_PERSONAL = "buzon.notice_pending_personal"
    NOTICE_OPEN = "buzon.notice_open"
    NOTICE_DEEMED = "buzon.notice_deemed"
    NOTICE_ACKNOWLEDGE = "buzon.notice_acknowledge"
    NOTICE_READ = "buzon.notice_read"
    NOTICES_LIST_READ = "buzon.notices_list_read"
    NOTICE_ALERT_SENT = "buzon.notice_alert_sent"
    NOTICE_ALERT_FAILED = "buzon.notice_alert_failed"
    CARGO_ISSUE = "buzon.cargo_issue"
