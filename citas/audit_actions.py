"""The audit action names of citas: its one registry (auditoria refuses citas.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="citas"):
    # A cita's transitions (citas/workflows.py).
    APPOINTMENT_BOOK = "citas.appointment_book"
    # The new cita of a reschedule (its entry names both turns), and the old one it replaces.
    APPOINTMENT_RESCHEDULE = "citas.appointment_reschedule"
    APPOINTMENT_REPLACED = "citas.appointment_replaced"
    APPOINTMENT_CANCEL = "citas.appointment_cancel"
    APPOINTMENT_NO_SHOW = "citas.appointment_no_show"
    APPOINTMENT_ATTEND = "citas.appointment_attend"
    SLOTS_GENERATE = "citas.slots_generate"
    SEDE_SERVICES_LOAD = "citas.sede_services_load"
