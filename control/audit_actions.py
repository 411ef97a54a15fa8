"""The audit action names of control: its one registry (auditoria refuses control.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="control"):
    CROSSING_DECIDE = "control.crossing_decide"
    CROSSING_REVIEW = "control.crossing_review"
    CROSSING_VIEW = "control.crossing_view"
    QUEUE_VIEW = "control.queue_view"
    OFFICER_POST_ASSIGN = "control.officer_post_assign"
    TRAVEL_PERMIT_CREATE = "control.travel_permit_create"
    PREREGISTRATION_CREATE = "control.preregistration_create"
    PREREGISTRATION_EMAIL_CONFIRM = "control.preregistration_email_confirm"
    PREREGISTRATION_ENCODE = "control.preregistration_encode"
    PREREGISTRATION_ENCODING_READ = "control.preregistration_encoding_read"
    PREREGISTRATION_DG2_READ = "control.preregistration_dg2_read"
