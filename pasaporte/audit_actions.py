"""The audit action names of pasaporte: its one registry (auditoria refuses pasaporte.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="pasaporte"):
    # The application's transitions (pasaporte/workflows.py), one name per state it reaches.
    APPLICATION_BOOKED = "pasaporte.application_booked"
    APPLICATION_VALIDATION_PENDING = "pasaporte.application_validation_pending"
    APPLICATION_VALIDATED = "pasaporte.application_validated"
    APPLICATION_OBSERVED = "pasaporte.application_observed"
    APPLICATION_ENROLLED = "pasaporte.application_enrolled"
    APPLICATION_PERSONALIZING = "pasaporte.application_personalizing"
    APPLICATION_READY = "pasaporte.application_ready"
    APPLICATION_DELIVERED = "pasaporte.application_delivered"
    APPLICATION_REJECTED = "pasaporte.application_rejected"
    APPLICATION_CANCELLED = "pasaporte.application_cancelled"
    APPLICATION_EXPIRED = "pasaporte.application_expired"
    # The passport's transitions (pasaporte/workflows.py PASSPORT).
    PASSPORT_ISSUE = "pasaporte.passport_issue"
    PASSPORT_DELIVER = "pasaporte.passport_deliver"
    PASSPORT_CANCEL_UNCOLLECTED = "pasaporte.passport_cancel_uncollected"
    PASSPORT_CANCEL_REPLACED = "pasaporte.passport_cancel_replaced"
    PASSPORT_CANCEL_LOST = "pasaporte.passport_cancel_lost"
    PASSPORT_CANCEL_STOLEN = "pasaporte.passport_cancel_stolen"
    # Citas before they moved to the citas rail (now citas.appointment_*): kept for the stored entries.
    APPOINTMENT_BOOK = "pasaporte.appointment_book"
    APPOINTMENT_RESCHEDULE = "pasaporte.appointment_reschedule"
    APPOINTMENT_CANCEL = "pasaporte.appointment_cancel"
    APPOINTMENT_NO_SHOW = "pasaporte.appointment_no_show"
    ENROLLMENT_RECORD = "pasaporte.enrollment_record"
    REPORT_LOSS = "pasaporte.report_loss"
    # What an officer's page showed, by page (selectors.staff_page_read).
    PAGE_READ = {
        "enroll": Action("pasaporte.page.enroll", _("consultó su solicitud de pasaporte para el enrolamiento")),
        "deliver": Action("pasaporte.page.deliver", _("consultó su solicitud de pasaporte para entregarle el pasaporte")),
        "review": Action("pasaporte.page.review", _("revisó su solicitud de pasaporte")),
        "office_today": Action("pasaporte.page.office_today", _("vio su solicitud de pasaporte en la lista de citas del día de la sede")),
    }
