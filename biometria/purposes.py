"""Why a device may verify or identify a person: closed lists, so every use has a stated, auditable purpose.

Ley 29733 asks each processing of biometric data to serve a declared purpose; a free text would let
any caller write anything. The code travels in the request, the Spanish text is what the audit
keeps and what the person reads on "¿quién consultó mis datos?".
"""
IDENTIFY_PURPOSES: dict[str, str] = {
    "CONTROL_MIGRATORIO": "control migratorio de un viajero",
    "PERSONA_SIN_DOCUMENTO": "identificación de una persona sin documento",
    "FRAUDE_DOCUMENTARIO": "investigación de fraude documentario",
    "REQUERIMIENTO_AUTORIDAD": "requerimiento de autoridad judicial o fiscal",
}

VERIFY_PURPOSES: dict[str, str] = {
    "CONTROL_MIGRATORIO": "control migratorio de un viajero",
    "ENTREGA_DOCUMENTO": "entrega de un documento",
    "TRAMITE": "verificación de identidad en un trámite",
}
