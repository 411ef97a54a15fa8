"""The citizen is told of each step of their passport application: a notice in their casilla electrónica
when they have one (buzon), an e-mail otherwise, in the language they read the portal in (text and HTML)."""
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buzon import selectors as buzon_selectors
from cuentas.mail import language_of, mail_build
from buzon.services import notice_deposit

from .models import Application, ApplicationEvent

# Steps the citizen is told about; internal steps (personalizing) would only add noise.
NOTIFIED = frozenset({
    Application.Status.PAID, Application.Status.BOOKED, Application.Status.VALIDATION_PENDING,
    Application.Status.OBSERVED, Application.Status.VALIDATED, Application.Status.ENROLLED,
    Application.Status.READY, Application.Status.DELIVERED, Application.Status.REJECTED,
    Application.Status.EXPIRED, Application.Status.CANCELLED,
})


def _status_text(application: Application, status: str, event: ApplicationEvent | None,
                 language: str = "es") -> tuple[str, str]:
    """(subject, body) of a step's message in `language`."""
    with translation.override(language):
        label = Application.Status(status).label
        subject = _("MIGRACIONES · Su pasaporte: %(step)s") % {"step": label}
        lines = [
            _("Estimado(a) %(name)s:") % {"name": application.user.get_full_name() or application.dni},
            "",
            _("Su solicitud de pasaporte N.º %(id)s pasó a: %(step)s.") % {"id": application.pk, "step": label},
        ]
        if event and event.note_text:
            lines.append(event.note_text)
        if status == Application.Status.READY:
            lines += ["", *ready_lines(application)]
        if status == Application.Status.BOOKED:
            lines += booked_lines(application)
        lines += ["", _("Siga su trámite en %(url)s") % {"url": getattr(settings, "SITE_URL", "") + "/pasaporte/"}]
    return subject, "\n".join(lines)


def booked_lines(application: Application) -> list[str]:
    """The cita's reference, address and hours, and where its voucher and calendar file are (active language)."""
    from citas import selectors as citas_selectors

    from .services.appointments import RECORD_KIND, SERVICE

    appointment = citas_selectors.appointment_booked(record_kind=RECORD_KIND, record_id=application.pk,
                                                     service=SERVICE)
    if appointment is None:
        return []
    office = appointment.slot.office
    return ["", _("Referencia: %(ref)s") % {"ref": citas_selectors.appointment_reference(appointment)},
            _("Dirección: %(address)s") % {"address": f"{office.name}, {office.address}"},
            _("Horario de atención: %(hours)s.") % {"hours": citas_selectors.office_hours_text(office)},
            _("Descargue su constancia de cita y el archivo para su calendario en %(url)s") % {
                "url": getattr(settings, "SITE_URL", "") + "/pasaporte/cita/confirmacion/"}]


def ready_lines(application: Application) -> list[str]:
    """Where, when and until which day a ready passport can be collected (in the active language)."""
    from citas.selectors import office_hours_text

    from .services.delivery import passport_collect_until

    office, until = application.office, passport_collect_until(application)
    lines = []
    if office is not None:
        lines.append(_("Recójalo en %(office)s, %(address)s.") % {"office": office.name, "address": office.address})
        lines.append(_("Horario de atención: %(hours)s.") % {"hours": office_hours_text(office)})
    if until is not None:
        lines.append(_("Puede recogerlo hasta el %(date)s; después se anula y tendrá que tramitar otro.") % {
            "date": until.strftime("%d/%m/%Y")})
    lines.append(_("Lleve su DNI: se le verificará con su rostro o su huella."))
    return lines


def notify_status(*, application_id: int, status: str) -> bool:
    """Send the e-mail for a committed step, once: False when there is nobody to tell or it was already sent.

    The step's event row is locked and marked while the mail goes out, so a task that runs twice
    (the outbox may publish again after an outage) tells the citizen once.
    """
    application = Application.objects.select_related("user").filter(pk=application_id).first()
    if application is None or status not in NOTIFIED or not application.user.email:
        return False
    with transaction.atomic():
        event = (ApplicationEvent.objects.select_for_update()
                 .filter(application=application, to_status=status, step="").order_by("-created_at", "-id").first())
        if event is not None and event.notified_at is not None:
            return False
        texts = {language: _status_text(application, status, event, language) for language in ("es", "en")}
        if buzon_selectors.casilla_active(application.user) is not None:
            # The citizen chose the casilla: the step is a notice there (its alert is buzon's e-mail).
            notice_deposit(recipient=application.user, title=texts["es"][0], body=texts["es"][1],
                           title_en=texts["en"][0], body_en=texts["en"][1], record_kind="pasaporte.application",
                           record_id=application.pk, expediente=f"PAS-{application.pk}",
                           person_id=application.person_id, actor="system:pasaporte")
        else:
            language = language_of(application.user)
            subject, body = texts[language]
            mail_build(to=[application.user.email], language=language, subject=subject, template="emails/plain",
                       context={"body": body}).send()
        if event is not None:
            event.notified_at = timezone.now()
            event.save(update_fields=["notified_at"])
    return True
