"""The audit action names of biometria: its one registry (auditoria refuses biometria.* names not declared here)."""
from auditoria.actions import AuditActions


class AuditAction(AuditActions, namespace="biometria"):
    ENROLL = "biometria.enroll"
    ENROLLMENT_STATUS = "biometria.enrollment_status"
    DUPLICATE_CASE_OPEN = "biometria.duplicate_case_open"
    REPLACEMENT_CASE_OPEN = "biometria.replacement_case_open"
    DUPLICATE_CASE_DECIDE = "biometria.duplicate_case_decide"
    STATION_TOKEN_ISSUE = "biometria.station_token_issue"
    GALLERY_REBUILD = "biometria.gallery_rebuild"
    REKEY_BATCH = "biometria.rekey_batch"
    VERIFY_FACE = "biometria.verify_face"
    VERIFY_DOCUMENT_FACE = "biometria.verify_document_face"
    VERIFY_FINGER = "biometria.verify_finger"
    IDENTIFY = "biometria.identify"
    IDENTIFY_CANDIDATE = "biometria.identify_candidate"
    READ_GALLERY_REBUILD = "biometria.read.gallery_rebuild"
    # A decryption, by the kind of sealed blob read (SecureBlob.Kind; selectors._read).
    READ_BY_KIND = {
        "FACE_ENCODING": "biometria.read.face_encoding",
        "PORTRAIT": "biometria.read.portrait",
        "FINGER_TEMPLATE": "biometria.read.finger_template",
        "FINGER_IMAGE": "biometria.read.finger_image",
        "SIGNATURE": "biometria.read.signature",
    }
    # What an officer's page showed (selectors.page_read_record).
    PAGE_ENROLLMENT = "biometria.page.enrollment"
    PAGE_CASE_LIST = "biometria.page.case_list"
    PAGE_CASE = "biometria.page.case"
