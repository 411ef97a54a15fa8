"""The audit action names of cuentas: its one registry (auditoria refuses cuentas.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="cuentas"):
    CITIZEN_SIGNUP = "cuentas.citizen_signup"
    FOREIGNER_SIGNUP = "cuentas.foreigner_signup"
    EMAIL_VERIFIED = "cuentas.email_verified"
    ROLE_ADD = "cuentas.role_add"
    STAFF_CREATE = "cuentas.staff_create"
    DEVICE_REGISTER = "cuentas.device_register"
    PASSWORD_CHANGE = "cuentas.password_change"
    LOGIN = "cuentas.login"
    # Officers' second factor: the supervisor's activation code, enrolment, each check at sign-in.
    OTP_ACTIVATION_ISSUE = "cuentas.otp_activation_issue"
    OTP_ACTIVATION_REFUSED = "cuentas.otp_activation_refused"
    OTP_ACTIVATION_REDEEM = "cuentas.otp_activation_redeem"
    OTP_ENROLLED = "cuentas.otp_enrolled"
    OTP_VERIFIED = "cuentas.otp_verified"
    OTP_FAILED = "cuentas.otp_failed"
