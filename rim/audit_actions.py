"""The audit action names of rim: its one registry (auditoria refuses rim.* names not declared here)."""
from auditoria.actions import AuditActions


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
    # Reads of a person's registry data: by staff (search, record, movements), by the person themselves.
    PERSON_SEARCH = "rim.person_search"
    PERSON_GET = "rim.person_get"
    PERSON_MOVEMENTS = "rim.person_movements"
    PERSON_VIEW_OWN = "rim.person_view_own"
