"""English translation: pages switch to English only when chosen, and the shipped catalogue is complete and compiled."""
import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from control.tests.conftest import _portal_pki, control_pki, crossing_points, td3  # noqa: F401

pytestmark = pytest.mark.django_db

CATALOGUE = Path(django_settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def _switch_to_english(client) -> None:
    """What a visitor does: press the layout's "English" button (the choice is kept in a cookie)."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def _page(client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


# --- home -------------------------------------------------------------------------------------

def test_home_in_english_once_the_visitor_chooses_it(client):
    _switch_to_english(client)
    body = _page(client, "/")
    # when: the home page is shown after the switch
    # then: headings, service cards, buttons and footer are English, and no Spanish heading is left
    assert '<html lang="en">' in body
    assert "MIGRACIONES online services" in body
    assert "Pay, book your appointment and follow your application." in body
    assert ">Electronic passport</a></h2>" in body
    assert ">Virtual TAM</a></h2>" in body
    assert "Sign in" in body and "Create account" in body
    assert "Your personal data are processed under Law 29733." in body
    assert "Servicios en línea de MIGRACIONES" not in body and "Pasaporte electrónico" not in body
    # the English hint under each card is for Spanish pages only: it is not repeated here
    assert body.count("Electronic passport") == 1
    # and the switch now offers the way back to Spanish
    assert 'value="es"' in body and "Español" in body


def test_home_stays_spanish_without_the_switch_even_for_an_english_browser(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="es">' in body
    assert "Servicios en línea de MIGRACIONES" in body and ">Pasaporte electrónico</a></h2>" in body
    assert "MIGRACIONES online services" not in body and "Sign in" not in body


def test_switching_back_to_spanish_restores_the_spanish_page(client):
    _switch_to_english(client)
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    body = _page(client, "/")
    assert "Servicios en línea de MIGRACIONES" in body and "MIGRACIONES online services" not in body


# --- sign-in and sign-up ----------------------------------------------------------------------

def test_sign_in_page_in_english(client):
    _switch_to_english(client)
    body = _page(client, "/cuentas/ingresar/")
    assert "<h1>Sign in</h1>" in body
    assert "DNI or e-mail" in body and "Forgot your password?" in body
    assert "DNI o correo electrónico" not in body


def test_sign_in_page_in_spanish_by_default(client):
    body = _page(client, "/cuentas/ingresar/")
    assert "<h1>Ingresar</h1>" in body and "DNI o correo electrónico" in body and "¿Olvidó su contraseña?" in body
    assert "DNI or e-mail" not in body


def test_citizen_sign_up_page_in_english(client):
    _switch_to_english(client)
    body = _page(client, "/cuentas/registro/ciudadano/")
    assert "<h1>Citizen account (DNI)</h1>" in body
    assert "Verification digit" in body and "DNI issue date" in body and "Repeat the password" in body
    assert "The number after the hyphen on your DNI (for example 70275722 - 9)." in body
    assert "Dígito de verificación" not in body


def test_citizen_sign_up_errors_are_in_the_chosen_language(client):
    form = {"dni": "70275722", "verification_digit": "9", "issue_date": "2020-01-15",
            "email": "ana@example.pe", "password": "Una-Clave-Larga-1", "password2": "Otra-Clave-Larga-2"}
    spanish = client.post("/cuentas/registro/ciudadano/", form)
    assert spanish.status_code == 400 and "Las contraseñas no coinciden" in spanish.content.decode()
    _switch_to_english(client)
    english = client.post("/cuentas/registro/ciudadano/", form)
    assert english.status_code == 400
    assert "The passwords do not match" in english.content.decode()
    assert not get_user_model().objects.filter(email="ana@example.pe").exists()


def test_citizen_sign_up_page_in_spanish_by_default(client):
    body = _page(client, "/cuentas/registro/ciudadano/")
    assert "<h1>Cuenta de ciudadano (DNI)</h1>" in body and "Dígito de verificación" in body
    assert "Citizen account" not in body


# --- TAM verification -------------------------------------------------------------------------

def test_tam_verification_page_in_english(client):
    _switch_to_english(client)
    body = _page(client, "/tam/verificar/")
    assert "<h1>Verify a TAM</h1>" in body
    assert "TAM number" in body and "…or the text of the seal (what the QR scanner reads)" in body
    assert "Public key (CSCA certificate) to verify offline" in body
    assert "Verificar una TAM" not in body


def test_tam_verification_page_in_spanish_by_default(client):
    body = _page(client, "/tam/verificar/")
    assert "<h1>Verificar una TAM</h1>" in body and "Número de TAM" in body
    assert "Verify a TAM" not in body


def test_a_bad_seal_is_explained_in_english(client):
    _switch_to_english(client)
    body = client.post("/tam/verificar/", {"seal": "esto no es un sello"}).content.decode()
    assert "INVALID SEAL" in body and "the text is not a valid seal" in body
    assert "SELLO NO VÁLIDO" not in body and "AUTHENTIC TAM" not in body


def test_an_authentic_tam_is_reported_in_english_with_its_reason(client, crossing_points, external_systems):
    # given a TAM issued at an ordinary admitted entry
    from control.services import Boarding, crossing_decide

    officer = get_user_model().objects.create_user(username="oficial.i18n", password="x-Secreta-2026")
    decision = crossing_decide(
        channel="COUNTER", direction="ENTRY", crossing_point="AIJCH",
        mrz_lines=td3(number="PX7654321", state="CHL", surname="ROJAS", given="CAMILA", sex="F",
                      birth=dt.date(1990, 4, 2)),
        boarding=Boarding(flight="LA0600", origin="Santiago", purpose="TURISMO"), actor=officer,
    )
    assert decision.decision == "PASS", decision.reasons
    # when an English-speaking hotel clerk looks it up by number
    _switch_to_english(client)
    body = _page(client, "/tam/verificar/", numero=decision.tam_number)
    # then the verdict and the reason from the seal check are both English
    assert "AUTHENTIC TAM" in body and "authentic seal" in body
    assert "Surnames and given names" in body and "sello auténtico" not in body


# --- the catalogue itself ---------------------------------------------------------------------

def _po_blocks(path: Path) -> list[dict]:
    """Each entry of a .po file as {"msgid", "msgid_plural", "msgstr", "msgstr[0]"..., "fuzzy"}, the header excluded."""
    blocks, flags, current, field = [], "", {}, None

    def flush():
        if field is not None and current.get("msgid"):
            blocks.append({**current, "fuzzy": "fuzzy" in flags})

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
            flags, current, field = "", {}, None
        elif line.startswith("#,"):
            flags += line
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            field, _, quoted = line.partition(" ")
            current[field] = _unquote(quoted)
        elif line.startswith('"') and field:
            current[field] += _unquote(line)
    return blocks


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry; a plural entry gives its singular and its plural form."""
    entries = []
    for block in _po_blocks(path):
        if "msgid_plural" in block:
            entries.append((block["msgid"], block.get("msgstr[0]", ""), block["fuzzy"]))
            entries.append((block["msgid_plural"], block.get("msgstr[1]", ""), block["fuzzy"]))
        else:
            entries.append((block["msgid"], block.get("msgstr", ""), block["fuzzy"]))
    return entries


def _unquote(quoted: str) -> str:
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), quoted.strip()[1:-1])


def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 500  # the portal's whole interface, not a stub
    untranslated = [msgid for msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert untranslated == [] and fuzzy == []


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\(\w+\)[sdif]")
    wrong = [(msgid, msgstr) for msgid, msgstr, _ in _po_entries(CATALOGUE / "django.po")
             if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(msgstr))]
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file():
    # A fresh machine uses the committed .mo: a .po edited without compiling would not show.
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    blocks = _po_blocks(CATALOGUE / "django.po")
    stale = [b["msgid"] for b in blocks if "msgid_plural" not in b and compiled.gettext(b["msgid"]) != b["msgstr"]]
    stale += [b["msgid"] for b in blocks if "msgid_plural" in b and (
        compiled.ngettext(b["msgid"], b["msgid_plural"], 1) != b.get("msgstr[0]")
        or compiled.ngettext(b["msgid"], b["msgid_plural"], 5) != b.get("msgstr[1]"))]
    assert stale == []


def test_translation_functions_are_imported_under_names_makemessages_reads():
    # makemessages extracts `_`, `gettext_lazy`, `ngettext`… by name: a string marked with an alias such as
    # `_lazy` never reaches the catalogue, and its page stays Spanish in English
    import ast

    root = Path(django_settings.BASE_DIR)
    names = {"gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "npgettext",
             "npgettext_lazy", "gettext_noop"}
    wrong = []
    for path in root.rglob("*.py"):
        if any(part in {".venv", "var", "node_modules"} for part in path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                wrong += [f"{path.relative_to(root)}: {a.name} as {a.asname}" for a in node.names
                          if a.name in names and a.asname not in (None, "_")]
    assert wrong == []
