"""The purposes the portal keeps with its audited reads, in the words a person reads them.

Services store a short Spanish text as the purpose of each read (Ley 29733). "¿Quién consultó mis
datos?" shows it through `purpose_label`: the text's translation when it is one of these (or a msgid
of a closed list, as rim.purposes), the stored text otherwise. tests/test_audit_labels.py fails when
code records a purpose written in the code that is not listed here.
"""
from typing import Any

from django.utils.translation import gettext, gettext_lazy as _

PURPOSE_LABELS: dict[str, Any] = {
    # The person themself
    "el titular consulta sus propios datos": _("el titular consulta sus propios datos"),
    "el titular descarga su TAM": _("el titular descarga su TAM"),
    # Passport (pasaporte.views.PURPOSE_PAGE, pasaporte.biometrics)
    "enrolamiento biométrico en ventanilla": _("enrolamiento biométrico en ventanilla"),
    "entrega de pasaporte": _("entrega de pasaporte"),
    "revisión de una solicitud observada": _("revisión de una solicitud observada"),
    "atención de citas de la sede": _("atención de citas de la sede"),
    "personalización de pasaporte": _("personalización de pasaporte"),
    "control de calidad del chip de pasaporte": _("control de calidad del chip de pasaporte"),
    # Biometrics (biometria.purposes, services, views)
    "control migratorio de un viajero": _("control migratorio de un viajero"),
    "identificación de una persona sin documento": _("identificación de una persona sin documento"),
    "investigación de fraude documentario": _("investigación de fraude documentario"),
    "requerimiento de autoridad judicial o fiscal": _("requerimiento de autoridad judicial o fiscal"),
    "entrega de un documento": _("entrega de un documento"),
    "verificación de identidad en un trámite": _("verificación de identidad en un trámite"),
    "deduplicación al enrolar": _("deduplicación al enrolar"),
    "mantenimiento del índice 1:N": _("mantenimiento del índice de búsqueda biométrica"),
    "revisión de un reemplazo de enrolamiento": _("revisión de un reemplazo de enrolamiento"),
    "revisión por servidor de MIGRACIONES": _("revisión por un servidor de MIGRACIONES"),
    "revisión de un caso biométrico": _("revisión de un caso biométrico"),
    # Migratory control
    "control migratorio": _("control migratorio"),
    "control migratorio 1:1": _("control migratorio: comparación de su rostro"),
    "control migratorio: cola de derivados": _("control migratorio: cola de derivados"),
    "control migratorio: revisión del control": _("control migratorio: revisión del control"),
    "MigraCheck": _("registro previo MigraCheck"),
    "MigraCheck: preparar el rostro del chip": _("registro previo MigraCheck: preparar la foto del chip"),
    # Documents, TAM, mailbox
    "verificación pública del documento": _("verificación pública del documento"),
    "envío de la TAM a su titular": _("envío de la TAM a su titular"),
    "notificación electrónica": _("notificación electrónica"),
    # Online procedures (tramites.selectors, tramites.workflows)
    "consulta de su propio trámite": _("consulta de su propio trámite"),
    "evaluación de trámite": _("evaluación de su trámite por un servidor"),
    "trámite en línea": _("trámite en línea"),
    "el titular descarga su documento": _("el titular descarga su documento"),
    # The admin site (auditoria.admin_mixins.ADMIN_PURPOSE)
    "admin": _("gestión del registro por un supervisor"),
}


def purpose_label(purpose: str) -> str:
    """A stored purpose in the active language."""
    if not purpose:
        return gettext("sin finalidad indicada")
    label = PURPOSE_LABELS.get(purpose)
    return str(label) if label is not None else gettext(purpose)
