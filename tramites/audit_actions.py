"""The audit action names of tramites: its one registry (auditoria refuses tramites.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="tramites"):
    CATALOGUE_LOAD = "tramites.catalogue_load"
    APPLICANT_LINK = "tramites.applicant_link"
    APPLICANT_LINK_REFUSED = "tramites.applicant_link_refused"
    CASE_DRAFT = "tramites.case_draft"
    CASE_DRAFT_SAVE = "tramites.case_draft_save"
    CASE_DRAFT_DISCARD = "tramites.case_draft_discard"
    CASE_FILE_UPLOAD = "tramites.case_file_upload"
    CASE_PAYMENT = "tramites.case_payment"
    # The case's transitions (tramites/workflows.py), one name each.
    CASE_FILED = "tramites.case_filed"
    CASE_EVALUATION = "tramites.case_evaluation"
    CASE_OBSERVED = "tramites.case_observed"
    CASE_CORRECTED = "tramites.case_corrected"
    CASE_RESUMED = "tramites.case_resumed"
    CASE_APPROVED = "tramites.case_approved"
    CASE_APPROVED_BY_SILENCE = "tramites.case_approved_by_silence"
    CASE_DENIED = "tramites.case_denied"
    CASE_INADMISSIBLE = "tramites.case_inadmissible"
    CASE_NOTIFIED = "tramites.case_notified"
    CASE_FINAL = "tramites.case_final"
    CASE_EFFECTS_APPLIED = "tramites.case_effects_applied"
    CASE_NOT_FILED = "tramites.case_not_filed"
    CASE_WITHDRAWN = "tramites.case_withdrawn"
    CASE_ABANDONED = "tramites.case_abandoned"
    CASE_APPEALED = "tramites.case_appealed"
    # Other acts on a case.
    CASE_ASSIGN = "tramites.case_assign"
    CASE_CHECKS = "tramites.case_checks"
    CASE_EXTENSION = "tramites.case_extension"
    CASE_RESOLUTION_DRAFT = "tramites.case_resolution_draft"
    CASE_ACT_ISSUE = "tramites.case_act_issue"
    CASE_REFUND = "tramites.case_refund"
    # Reads of a person's data (the person's access log shows the label).
    CASE_READ = Action("tramites.case_read", _("consultó su expediente de trámite"))
    CASES_LIST_READ = Action("tramites.cases_list_read", _("vio la lista de sus trámites"))
    CASE_FILE_READ = Action("tramites.case_file_read", _("abrió un archivo de su expediente de trámite"))
    ELIGIBILITY_READ = Action("tramites.eligibility_read", _("revisó qué trámites puede presentar"))
