"""E-mails to a person in their language, as plain text with an HTML part (templates `<name>.txt` and `.html`).

Every e-mail the portal sends to a person is built here, so that each goes out in the language the
person reads the portal in (User.language; for travellers without an account, the language of the
page where they left their address) and with both parts.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES = ("es", "en")


def language_of(user, default: str = "es") -> str:
    value = (getattr(user, "language", "") or default)[:2]
    return value if value in LANGUAGES else "es"


def mail_build(*, to: Iterable[str], language: str, subject, template: str, context: dict,
               attachments: Iterable[tuple[str, bytes, str]] = ()) -> EmailMultiAlternatives:
    """The message, rendered under `language`: `subject` may be a lazy string or a callable."""
    language = language if language in LANGUAGES else "es"
    with translation.override(language):
        text = render_to_string(f"{template}.txt", {**context, "language": language}).strip() + "\n"
        html = render_to_string(f"{template}.html", {**context, "language": language})
        subject_text = str(subject() if callable(subject) else subject)
    message = EmailMultiAlternatives(" ".join(subject_text.split()), text, settings.DEFAULT_FROM_EMAIL, list(to))
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message
