"""¿Quién consultó mis datos?: each read as a sentence in the reader's language (who, what, why), no codes, no table."""
import pytest
from django.urls import reverse

from auditoria.services import audit_record
from control.audit_actions import AuditAction as ControlAction
from documentos.audit_actions import AuditAction as DocumentAction
from pasaporte.tests import factories as pf
from rim.audit_actions import AuditAction as RimAction
from rim.models import Person
from rim.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def looked_at(client):
    """A citizen whose data an officer of Sede Breña, a supervisor, a gate, a stranger and the system read."""
    citizen = pf.citizen()
    person = PersonFactory(given_names="Jorge Anthony", first_surname="Cárdenas", second_surname="Ríos")
    Person.objects.filter(pk=person.pk).update(user=citizen)
    breña = pf.office("LIM-BRE")
    breña.name = "Sede Breña"
    breña.save()
    officer = pf.staff("oficial.brena", "officer", breña)
    supervisor = pf.staff("supervisora.lima", "supervisor", None)
    audit_record(actor=officer, action=ControlAction.CROSSING_VIEW, kind="read", object_type="control.crossing",
                 person_id=person.pk, purpose="control migratorio: revisión del control")
    audit_record(actor=supervisor, action=RimAction.PERSON_GET, kind="read", obj=person, person_id=person.pk,
                 purpose="trámite de pasaporte")
    audit_record(actor="device:GATE-AIJCH-01", action=ControlAction.QUEUE_VIEW, kind="read", person_id=person.pk,
                 purpose="control migratorio")
    audit_record(actor="anónimo", action=DocumentAction.VERIFY, kind="read", person_id=person.pk,
                 purpose="verificación pública del documento")
    bank = pf.staff("bcp.verificaciones", "institution", None)
    bank.first_name, bank.last_name = "Banco de Crédito", "del Perú"
    bank.save()
    audit_record(actor=bank, action=DocumentAction.VERIFY, kind="read", person_id=person.pk,
                 purpose="verificación de identidad en un trámite")
    audit_record(actor="sistema:tam", action=DocumentAction.PDF, kind="read", person_id=person.pk,
                 purpose="envío de la TAM a su titular")
    client.force_login(citizen)
    client.get(reverse("my_data"))  # the person's own look
    return client


def _log(client) -> str:
    response = client.get(reverse("my_data_access_log"))
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index("<main"):body.index("</main>")]


def test_each_read_is_a_sentence_in_spanish_without_codes(looked_at):
    body = _log(looked_at)
    # then each line says who looked (by kind, with the sede), at what and why, in words
    assert ("Un servidor de MIGRACIONES (Sede Breña) consultó su registro en el control migratorio, "
            "para: control migratorio: revisión del control") in body
    assert "Un supervisor de MIGRACIONES consultó su registro en el RIM, para: trámite de pasaporte" in body
    assert ("Una puerta electrónica o un equipo de control de MIGRACIONES vio su control en la cola de viajeros "
            "derivados, para: control migratorio") in body
    assert ("Alguien sin cuenta en el portal verificó un documento suyo con su código, "
            "para: verificación pública del documento") in body
    assert ("El sistema de MIGRACIONES (una tarea automática) descargó un documento suyo, "
            "para: envío de la TAM a su titular") in body
    assert "Usted consultó sus propios datos, para: el titular consulta sus propios datos" in body
    assert ("Una institución asociada (Banco de Crédito del Perú) verificó un documento suyo con su código, "
            "para: verificación de identidad en un trámite") in body
    # and no internal code, username or table is shown: a list that reads on a phone
    for code in ("control.crossing_view", "rim.person_get", "documentos.verify", "oficial.brena",
                 "supervisora.lima", "bcp.verificaciones", "device:", "sistema:tam", "<table"):
        assert code not in body
    assert '<ol class="records access-log">' in body and body.count("<li>") == 7
    assert " de 20" in body and "<time datetime=" in body  # the date in words ("3 de diciembre de 2026 a las 10:42")


def test_each_read_is_a_sentence_in_english(looked_at):
    looked_at.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = _log(looked_at)
    assert "Who looked at my data?" in body
    assert ("An officer of MIGRACIONES (Sede Breña) looked at your record at migratory control, "
            "for: migratory control: review of the control") in body
    assert "A supervisor of MIGRACIONES looked at your record in the RIM, for: passport application" in body
    assert ("Someone without an account on the portal checked a document of yours with its code, "
            "for: public check of the document") in body
    assert "You looked at your own data, for: the holder looks at their own data" in body
    for spanish in ("consultó", "para:", "Un servidor", "Usted", "verificación pública"):
        assert spanish not in body
