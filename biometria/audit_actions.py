"""The audit action names of biometria: its one registry (auditoria refuses biometria.* names not declared here)."""
from django.utils.translation import gettext_lazy as _

from auditoria.actions import Action, AuditActions


class AuditAction(AuditActions, namespace="biometria"):
    ENROLL = "biometria.enroll"
    ENROLLMENT_STATUS = "biometria.enrollment_status"
    DUPLICATE_CASE_OPEN = "biometria.duplicate_case_open"
    REPLACEMENT_CASE_OPEN = "biometria.replacement_case_open"
    DUPLICATE_CASE_DECIDE = "biometria.duplicate_case_decide"
    STATION_TOKEN_ISSUE = "biometria.station_token_issue"
    GALLERY_REBUILD = "biometria.gallery_rebuild"
    REKEY_BATCH = "biometria.rekey_batch"
    VERIFY_FACE = Action("biometria.verify_face", _("comparó su rostro con su enrolamiento (1:1)"))
    VERIFY_DOCUMENT_FACE = Action("biometria.verify_document_face", _("comparó su rostro con la foto de su documento"))
    VERIFY_FINGER = Action("biometria.verify_finger", _("comparó su huella con su enrolamiento (1:1)"))
    IDENTIFY = Action("biometria.identify", _("hizo una búsqueda biométrica entre todas las personas enroladas (1:N)"))
    IDENTIFY_CANDIDATE = Action("biometria.identify_candidate", _("comparó su rostro con el de otra persona en una búsqueda biométrica (1:N)"))
    READ_GALLERY_REBUILD = Action("biometria.read.gallery_rebuild", _("cargó sus datos biométricos en el índice de búsqueda"))
    # A decryption, by the kind of sealed blob read (SecureBlob.Kind; selectors._read).
    READ_BY_KIND = {
        "FACE_ENCODING": Action("biometria.read.face_encoding", _("usó la plantilla de su rostro")),
        "PORTRAIT": Action("biometria.read.portrait", _("vio su fotografía")),
        "FINGER_TEMPLATE": Action("biometria.read.finger_template", _("usó la plantilla de sus huellas dactilares")),
        "FINGER_IMAGE": Action("biometria.read.finger_image", _("abrió la imagen de sus huellas dactilares")),
        "SIGNATURE": Action("biometria.read.signature", _("vio su firma")),
    }
    # What an officer's page showed (selectors.page_read_record).
    PAGE_ENROLLMENT = Action("biometria.page.enrollment", _("consultó su enrolamiento biométrico"))
    PAGE_CASE_LIST = Action("biometria.page.case_list", _("vio su caso en la lista de casos de revisión biométrica"))
    PAGE_CASE = Action("biometria.page.case", _("consultó un caso de revisión biométrica sobre usted"))
