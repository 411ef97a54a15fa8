"""Why an officer looks a person up in the RIM: a closed list, so every search and person page has a stated purpose.

Ley 29733 asks each processing to serve a declared purpose. The code travels in the request; the
Spanish text (a msgid, gettext_noop) is what the audit keeps, and "¿quién consultó mis datos?" shows
it translated into the reader's language.
"""
from django.utils.translation import gettext_noop

LOOKUP_PURPOSES: dict[str, str] = {
    "CONTROL_VENTANILLA": gettext_noop("control en ventanilla"),
    "REVISION_DERIVADO": gettext_noop("revisión de un viajero derivado"),
    "TRAMITE_PASAPORTE": gettext_noop("trámite de pasaporte"),
    "ENROLAMIENTO": gettext_noop("enrolamiento biométrico"),
    "CASO_BIOMETRICO": gettext_noop("revisión de un caso biométrico"),
    "ATENCION_SEDE": gettext_noop("atención de la persona en la sede"),
    "TRAMITE_EN_LINEA": gettext_noop("evaluación de un trámite en línea"),
    "REQUERIMIENTO_AUTORIDAD": gettext_noop("requerimiento de autoridad judicial o fiscal"),
}
