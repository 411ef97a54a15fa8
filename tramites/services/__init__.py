"""Writes of tramites (one module per side of the case; every name is re-exported here)."""
from .applicant import (APPEAL_BUSINESS_DAYS, FINE_PURPOSE, PAYMENT_PURPOSE, amounts_due,  # noqa: F401
                        applicant_link, applicant_person, appeal_deadline, case_appeal, case_correct,
                        case_draft_discard, case_draft_save, case_draft_start, case_extension_request,
                        case_file_add, case_pay_order, case_pay_receipt, case_payment_confirmed, case_submit,
                        case_withdraw, form_errors, late_fine_months, negative_silence_applies,
                        observation_deadline, payment_state, procedure_active, submission_problems)
from .deadlines import (case_finality, case_notification_sync, case_observation_lapse,  # noqa: F401
                        case_positive_silence, cases_deadlines_apply)
from .evaluation import (case_assign, case_checks_run, case_decide_automatic, case_observe, case_resolution_confirm,  # noqa: F401
                         case_resolve, case_start, case_take, checks_state)
