"""The audit action names of control: its one registry (auditoria refuses control.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="control"):
    CROSSING_DECIDE = "control.crossing_decide"
    CROSSING_REVIEW = "control.crossing_review"
    CROSSING_VIEW = Action("control.crossing_view", _("consultó su registro en el control migratorio"))
    QUEUE_VIEW = Action("control.queue_view", _("vio su control en la cola de viajeros derivados"))
    OFFICER_POST_ASSIGN = "control.officer_post_assign"
    TRAVEL_PERMIT_CREATE = "control.travel_permit_create"
    PREREGISTRATION_CREATE = "control.preregistration_create"
    PREREGISTRATION_EMAIL_CONFIRM = "control.preregistration_email_confirm"
    PREREGISTRATION_ENCODE = "control.preregistration_encode"
    PREREGISTRATION_ENCODING_READ = Action("control.preregistration_encoding_read", _("usó la plantilla facial de su registro en MigraCheck"))
    PREREGISTRATION_DG2_READ = Action("control.preregistration_dg2_read", _("leyó la foto del chip de su pasaporte para MigraCheck"))
    TRUST_STORE_IMPORT = "control.trust_store_import"
    TRUST_STORE_EXPIRE = "control.trust_store_expire"
