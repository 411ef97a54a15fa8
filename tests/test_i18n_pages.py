"""Every page of every role, in English and in Spanish: no string of the other language from the catalogue.

The pages are every URL of the portal that takes no argument, opened by each demo role (officers
with TOTP passed). Visible text only (scripts, styles and the language switch left out); a
catalogue string counts when it is long enough not to be a word both languages share.
"""
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_i18n import CATALOGUE, _po_entries

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "70275722", "ana.rodriguez@example.com", "oficial.brena", "supervisor.brena")
# Pages that are not for people: downloads, APIs, health, the admin (Django's own catalogue).
SKIP = re.compile(r"^/(api/|admin/|healthz|i18n/|static/|media/)|\.(pdf|pem|ics|json)$|/logout|/salir/")
MIN_LENGTH = 14


def _paths() -> list[str]:
    found: list[str] = []

    def walk(patterns, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, ":".join(filter(None, [namespace, entry.namespace])) or None)
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                try:
                    found.append(reverse(name))
                except Exception:  # noqa: BLE001 - a pattern with a regex group: not a plain page
                    continue

    walk(get_resolver().url_patterns, None)
    return sorted({path for path in found if not SKIP.search(path)})


def _visible_text(body: str, language: str) -> str:
    body = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1>", " ", body)
    # A part marked in the other language (lang="…", e.g. the English hints on Spanish cards) is meant so.
    other = "en" if language == "es" else "es"
    body = re.sub(rf'(?is)<(?!html)(\w+)\b[^>]*\blang="{other}"[^>]*>.*?</\1>', " ", body)
    body = re.sub(r'(?is)<form[^>]*action="/i18n/setlang/".*?</form>', " ", body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def _pairs() -> list[tuple[str, str]]:
    pairs = []
    for msgid, msgstr, _fuzzy in _po_entries(CATALOGUE / "django.po"):
        if "%" in msgid or "{" in msgid or not msgstr or msgid == msgstr:
            continue
        if len(msgid) >= MIN_LENGTH and len(msgstr) >= MIN_LENGTH:
            pairs.append((msgid, msgstr))
    return pairs


def _client_for(client, username: str):
    client.logout()
    if username == "anonymous":
        return client
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", persons=40)


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_page_shows_a_string_of_the_other_language(client, demo, language):
    pairs = _pairs()
    assert len(pairs) > 300  # the catalogue, not a stub
    # what must not appear: Spanish originals on English pages, English translations on Spanish ones
    foreign = [msgid if language == "en" else msgstr for msgid, msgstr in pairs]
    # a string that is also (part of) a string of the page's own language is not evidence
    own = [msgstr if language == "en" else msgid for msgid, msgstr in pairs]
    foreign = [text for text in foreign if not any(text in other for other in own)]
    paths = _paths()
    assert len(paths) > 20
    found: dict[str, list[str]] = {}
    seen = 0
    for username in ROLES:
        browser = _client_for(client, username)
        browser.cookies["django_language"] = language
        for path in paths:
            response = browser.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            assert f'<html lang="{language}"' in body, path
            seen += 1
            text = _visible_text(body, language)
            wrong = [s for s in foreign if s in text]
            if wrong:
                found[f"{username} {path}"] = wrong
    assert seen > 40  # pages of every role were read, not only the home page
    assert found == {}
