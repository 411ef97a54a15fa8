"""Writes of the e-passport service, one module per step; every name is re-exported here."""
from .appointments import (
    appointment_book,
    appointment_cancel,
    appointment_mark_no_show,
    appointment_reschedule,
    appointment_voucher,
    bring_list,
    slots_ensure,
)
from .common import OPEN_STATUSES, TRANSITIONS, application_transition, staff_check_office
from .delivery import passport_collect_until, passport_deliver, passport_report_loss, passports_expire_uncollected
from .enrollment import (
    application_case_decide,
    application_duplicate_continue,
    application_duplicate_decide,
    enrollment_record,
)
from .payments import (
    PASSPORT_FEE_CODE,
    PASSPORT_PROCEDURE,
    PAYMENT_PURPOSE,
    application_open_for_payment,
    fee_current,
    payment_order_create,
    payment_receipt,
    payment_receipt_register,
)
from .personalization import PersonalizationFailed, passport_number_allocate, passport_personalize, pki_load
from .validation import ValidationDeferred, application_review, application_validate

__all__ = [
    "OPEN_STATUSES", "PASSPORT_FEE_CODE", "PASSPORT_PROCEDURE", "PAYMENT_PURPOSE", "TRANSITIONS", "PersonalizationFailed", "ValidationDeferred",
    "application_case_decide", "application_open_for_payment", "application_duplicate_continue", "application_duplicate_decide", "application_review",
    "application_transition",
    "application_validate", "appointment_book",
    "appointment_cancel", "appointment_mark_no_show", "appointment_reschedule", "appointment_voucher", "bring_list",
    "passport_collect_until", "payment_receipt",
    "enrollment_record", "fee_current", "passport_deliver", "passport_number_allocate", "passport_personalize",
    "passport_report_loss", "passports_expire_uncollected", "payment_order_create",
    "payment_receipt_register", "pki_load", "slots_ensure", "staff_check_office",
]
