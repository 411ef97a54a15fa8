"""E-mails to the citizen at each step of their passport application (Spanish first)."""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Application, ApplicationEvent

# Steps the citizen is told about; internal steps (personalizing) would only add noise.
NOTIFIED = frozenset({
    Application.Status.PAID, Application.Status.BOOKED, Application.Status.VALIDATION_PENDING,
    Application.Status.OBSERVED, Application.Status.VALIDATED, Application.Status.ENROLLED,
    Application.Status.READY, Application.Status.DELIVERED, Application.Status.REJECTED,
    Application.Status.EXPIRED, Application.Status.CANCELLED,
})


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
                 .filter(application=application, to_status=status).order_by("-created_at", "-id").first())
        if event is not None and event.notified_at is not None:
            return False
        with translation.override("es"):
            label = Application.Status(status).label
            subject = _("MIGRACIONES · Su pasaporte: %(step)s") % {"step": label}
            lines = [
                _("Estimado(a) %(name)s:") % {"name": application.user.get_full_name() or application.dni},
                "",
                _("Su solicitud de pasaporte N.º %(id)s pasó a: %(step)s.") % {"id": application.pk, "step": label},
            ]
            if event and event.note:
                lines.append(event.note)
            lines += ["", _("Siga su trámite en %(url)s") % {"url": getattr(settings, "SITE_URL", "") + "/pasaporte/"}]
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [application.user.email])
        if event is not None:
            event.notified_at = timezone.now()
            event.save(update_fields=["notified_at"])
    return True
