"""The audit action names of rim: its one registry (auditoria refuses rim.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="rim"):
    PERSON_CREATE = "rim.person_create"
    PERSON_UPDATE = "rim.person_update"
    DOCUMENT_ADD = "rim.document_add"
    DOCUMENT_SET_STATUS = "rim.document_set_status"
    FAMILY_LINK_ADD = "rim.family_link_add"
    STUDY_ADD = "rim.study_add"
    WORKPLACE_ADD = "rim.workplace_add"
    MOVEMENT_RECORD = "rim.movement_record"
    ALERT_CREATE = "rim.alert_create"
    ALERT_DEACTIVATE = "rim.alert_deactivate"
    SEED_REGISTRY = "rim.seed_registry"
    # Calidad migratoria, permisos especiales and prórrogas de permanencia (the effects of procedures).
    RESIDENCE_STATUS_SET = "rim.residence_status_set"
    RESIDENCE_STATUS_SUPERSEDE = "rim.residence_status_supersede"
    RESIDENCE_STATUS_CANCEL = "rim.residence_status_cancel"
    PERMIT_GRANT = "rim.permit_grant"
    PERMIT_REVOKE = "rim.permit_revoke"
    STAY_EXTEND = "rim.stay_extend"
    # Reads of a person's registry data: by staff (search, record, movements), by the person themselves.
    PERSON_SEARCH = Action("rim.person_search", _("encontró su registro en una búsqueda de personas del RIM"))
    PERSON_GET = Action("rim.person_get", _("consultó su registro en el RIM"))
    PERSON_MOVEMENTS = Action("rim.person_movements", _("consultó sus entradas y salidas del país"))
    PERSON_VIEW_OWN = Action("rim.person_view_own", _("consultó sus propios datos"))
