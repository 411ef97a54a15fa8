"""Trust and obligations (issue 12, item 12): the State's identity on every page, help and contact,
the Libro de Reclamaciones, the personal-data notice (Ley 29733) and consent where sign-up collects data."""
import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cuentas.models import Office, User

pytestmark = pytest.mark.django_db


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _foreigner(**overrides) -> dict:
    data = {"document_type": "PASAPORTE", "document_number": "CO1234567", "nationality": "COL",
            "birth_date": "1991-05-06", "given_names": "LUISA", "surnames": "MEJIA", "email": "luisa@example.co",
            "password": "Extranjera-2026!", "password2": "Extranjera-2026!", "personal_data_consent": "on"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("path", ["/", "/cuentas/ingresar/", "/tam/verificar/", "/no-existe/"])
def test_every_page_says_it_is_migraciones_and_links_the_obligations(client, path, settings):
    settings.LIBRO_RECLAMACIONES_URL = "https://reclamos.example.gob.pe/migraciones"
    body = client.get(path).content.decode()
    header, _sep, rest = body.partition("</header>")
    main, _sep, footer = rest.partition("<footer")
    # the header names the State and the institution (text only, nothing loaded from elsewhere)
    assert "PERÚ" in header and "Plataforma del Estado Peruano" in header
    assert "Superintendencia Nacional de Migraciones" in header
    # the footer names it again and links help, sedes, the data notice and the Libro de Reclamaciones
    assert "Superintendencia Nacional de Migraciones" in footer
    assert 'href="/ayuda/"' in footer and 'href="/ayuda/#sedes"' in footer
    assert 'href="/datos-personales/"' in footer
    assert 'href="https://reclamos.example.gob.pe/migraciones"' in footer and "Libro de Reclamaciones" in footer
    assert "<img" not in header and "<img" not in footer


def test_the_identity_and_footer_in_english(client):
    body = _english(client).get("/").content.decode()
    assert "Platform of the Peruvian State" in body and "National Superintendency of Migration" in body
    assert "Help and contact" in body and "Personal data protection" in body and "Complaints Book" in body


def test_the_help_page_gives_phone_e_mail_sedes_and_the_libro(client, settings):
    settings.CONTACT_PHONE = "(01) 200-1000"
    settings.CONTACT_EMAIL = "informes@migraciones.gob.pe"
    Office.objects.create(code="LIM-BRE", name="Sede Breña", address="Av. España 734", city="Lima",
                          opens_at=dt.time(8), closes_at=dt.time(16, 30))
    Office.objects.create(code="OLD", name="Sede cerrada", address="Jr. Antiguo 1", city="Lima", active=False)
    response = client.get("/ayuda/")
    body = response.content.decode()
    assert response.status_code == 200 and "<h1>Ayuda y contacto</h1>" in body
    # a phone that dials from a phone, an e-mail that opens the mail app
    assert 'href="tel:+5112001000"' in body and "(01) 200-1000" in body
    assert 'href="mailto:informes@migraciones.gob.pe"' in body
    # the sedes with address and hours (only open ones), and the Libro de Reclamaciones
    assert 'id="sedes"' in body and "Sede Breña" in body and "Av. España 734, Lima" in body
    assert "08:00" in body and "16:30" in body and "Sede cerrada" not in body
    assert "Libro de Reclamaciones" in body
    english = _english(Client()).get("/ayuda/").content.decode()
    assert "<h1>Help and contact</h1>" in english and "How to reach us" in english


def test_the_personal_data_notice_is_a_page_in_both_languages(client):
    body = client.get("/datos-personales/").content.decode()
    assert "<h1>Protección de datos personales</h1>" in body and "Ley 29733" in body
    assert "Sus derechos" in body and "Autoridad Nacional de Protección de Datos Personales" in body
    english = _english(Client()).get("/datos-personales/").content.decode()
    assert "<h1>Personal data protection</h1>" in english and "Law 29733" in english and "Your rights" in english


def test_sign_up_asks_for_consent_with_a_link_to_the_notice_never_ticked(client):
    body = client.get("/cuentas/registro/extranjero/").content.decode()
    assert 'type="checkbox" name="personal_data_consent"' in body and "checked" not in body
    assert 'href="/datos-personales/"' in body.split('name="personal_data_consent"')[1][:600]


def test_a_foreigner_who_does_not_accept_the_notice_gets_no_account(client):
    response = client.post("/cuentas/registro/extranjero/", _foreigner(personal_data_consent=""))
    assert response.status_code == 400
    assert response.context["form"].errors["personal_data_consent"] == [
        "Para crear la cuenta debe aceptar el aviso de datos personales."]
    assert not User.objects.filter(email="luisa@example.co").exists() and mail.outbox == []


def test_a_foreigners_consent_is_recorded_with_its_time(client, django_capture_on_commit_callbacks):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cuentas/registro/extranjero/", _foreigner())
    assert response.status_code == 200
    user = User.objects.get(email="luisa@example.co")
    assert before <= user.personal_data_consent_at <= timezone.now()


def test_a_citizens_consent_is_recorded_with_its_time(client, external_systems):
    from integraciones.reniec import get_client, verification_digit

    dni = "70275722"
    record = get_client().lookup(dni, with_photo=False)
    form = {"dni": dni, "verification_digit": verification_digit(dni), "issue_date": record.issue_date.isoformat(),
            "email": "jorge@example.pe", "password": "Un-pasaporte-2026", "password2": "Un-pasaporte-2026"}
    # without the consent nothing is created
    assert client.post("/cuentas/registro/ciudadano/", form).status_code == 400
    assert not User.objects.filter(dni=dni).exists()
    # with it, the account keeps when it was given
    assert client.post("/cuentas/registro/ciudadano/", {**form, "personal_data_consent": "on"}).status_code == 302
    assert User.objects.get(dni=dni).personal_data_consent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_consent_migration_keeps_the_accounts_that_exist():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("cuentas", "0004_otp_activation")], [("cuentas", "0005_user_personal_data_consent")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    # given an account made before the notice existed
    old_user = executor.loader.project_state(before).apps.get_model("cuentas", "User")
    old_user.objects.create(username="antiguo", email="antiguo@example.pe", password="!", nationality="PER")
    # when the migration runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    # then the account is there with its data, and no consent is invented for it
    user = User.objects.get(username="antiguo")
    assert user.email == "antiguo@example.pe" and user.nationality == "PER"
    assert user.personal_data_consent_at is None
