"""Officers find people: after TOTP they land on their work page; a person's page reaches every record of theirs."""
import datetime as dt

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from auditoria.models import AuditEntry
from control.models import Crossing, OfficerPost
from pasaporte.models import Application
from pasaporte.tests import factories as pf
from rim.tests.factories import CrossingPointFactory, IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _sign_in_with_totp(client, user) -> str:
    """What an officer does: password, then the code of their app; returns where they land."""
    response = client.post(reverse("cuentas:login"), {"username": user.username, "password": "Servidor-2026!"})
    assert response.status_code == 302 and reverse("cuentas:otp") in response["Location"]
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    next_url = response["Location"].split("next=", 1)[1]
    response = client.post(reverse("cuentas:otp"), {"token": code, "next": next_url})
    assert response.status_code == 302
    return response["Location"]


def test_an_officer_of_a_sede_lands_on_citas_de_hoy_after_totp(client):
    officer = pf.staff("oficial.brena", "officer", pf.office())
    assert _sign_in_with_totp(client, officer) == reverse("pasaporte:office_today")


def test_an_officer_at_a_control_post_lands_on_the_counter_after_totp(client):
    officer = pf.staff("oficial.aijch", "officer", None)
    OfficerPost.objects.create(user=officer, crossing_point=CrossingPointFactory())
    assert _sign_in_with_totp(client, officer) == reverse("control:counter")


def test_a_page_asked_for_before_sign_in_is_kept(client):
    officer = pf.staff("oficial.brena", "officer", pf.office())
    client.post(f"{reverse('cuentas:login')}?next={reverse('biometria:case_list')}",
                           {"username": officer.username, "password": "Servidor-2026!"})
    device = TOTPDevice.objects.get(user=officer)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("cuentas:otp"), {"token": code, "next": reverse("biometria:case_list")})
    assert response["Location"] == reverse("biometria:case_list")


def test_the_person_page_links_every_application_and_control_of_the_person(client):
    # given a person with a passport application at a sede and a referral at the airport
    office = pf.office()
    person = PersonFactory(given_names="Jorge Anthony", first_surname="Cárdenas", second_surname="Ríos",
                           birth_date=dt.date(1991, 7, 14))
    IdentityDocumentFactory(person=person, kind="DNI", number="70275722")
    citizen = pf.citizen()
    application = pf.paid_application(citizen)
    Application.objects.filter(pk=application.pk).update(person_id=person.pk, office=office,
                                                         status=Application.Status.OBSERVED)
    point = CrossingPointFactory()
    crossing = Crossing.objects.create(
        channel="COUNTER", direction="EXIT", crossing_point=point, decision=Crossing.Decision.REFER,
        review=Crossing.Review.PENDING, document_code="P", document_number="120004567", issuing_state="PER",
        nationality="PER", surnames="CARDENAS RIOS", given_names="JORGE ANTHONY", person=person,
        actor_repr="oficial.aijch")
    officer = pf.staff("oficial.brena", "officer", office)
    pf.login_staff(client, officer)
    # when the officer finds him by DNI and opens his page
    found = client.get(reverse("rim:person_find"), {"q": "70275722", "finalidad": "TRAMITE_PASAPORTE"})
    assert f"/rim/personas/{person.pk}/?finalidad=TRAMITE_PASAPORTE" in found.content.decode()
    response = client.get(reverse("rim:person_detail", args=[person.pk]), {"finalidad": "TRAMITE_PASAPORTE"})
    body = response.content.decode()
    # then each record is listed in words, with a link to its page
    assert response.status_code == 200
    assert reverse("pasaporte:review", args=[application.pk]) in body
    assert "Solicitud de pasaporte" in body and "Observado: revisión por un servidor" in body
    assert reverse("control:crossing", args=[crossing.pk]) in body
    assert "derivado a un oficial · pendiente de revisión" in body and "salida" in body
    # and the page is one audited read of that person (the search another)
    actions = sorted(AuditEntry.objects.filter(person_id=person.pk).values_list("action", flat=True))
    assert actions == ["rim.person_get", "rim.person_search"]
    # and the linked application page opens for the officer of that sede
    assert client.get(reverse("pasaporte:review", args=[application.pk])).status_code == 200
