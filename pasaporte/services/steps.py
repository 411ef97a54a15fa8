"""Steps around an application that do not change its status (a cita moved or cancelled, a passport reported
lost or stolen): a row in the citizen's timeline and a notice through the buzón (deposited in the casilla, or
e-mailed for acknowledgement to a citizen without one: one message, never two)."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from buzon.services import notice_deposit
from core.actor import Actor, actor_name

from ..models import Application, ApplicationEvent
from ..notes import parts_of

Step = ApplicationEvent.Step
RECORD_KIND = "pasaporte.application"


def step_record(*, application: Application, step: str, note: str, actor: Actor) -> ApplicationEvent:
    """One timeline row for a step; the application keeps its status."""
    return ApplicationEvent.objects.create(application=application, from_status=application.status,
                                           to_status=application.status, step=step, note=note[:300],
                                           note_parts=parts_of(note),
                                           actor_repr=actor_name(actor))


def step_notify(*, user, application: Application | None, record_id: int | None = None,
                text: Callable[[], tuple[str, str]], actor: Actor) -> None:
    """Deposit the step's notice: `text()` gives (title, body) in the active language, called once per language."""
    texts = {}
    for language in ("es", "en"):
        with translation.override(language):
            title, body = text()
            link = _("Siga su trámite en %(url)s") % {"url": settings.SITE_URL + "/pasaporte/"}
            texts[language] = (title, f"{body}\n\n{link}")
    notice_deposit(recipient=user, title=texts["es"][0], body=texts["es"][1], title_en=texts["en"][0],
                   body_en=texts["en"][1], record_kind=RECORD_KIND if application else "rim.identitydocument",
                   record_id=application.pk if application else record_id,
                   expediente=f"PAS-{application.pk}" if application else "",
                   person_id=application.person_id if application else None, actor=actor)
