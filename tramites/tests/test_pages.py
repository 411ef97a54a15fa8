"""tramites' pages through Django's test client: what an applicant and an officer see and can do on each
page, the errors on their fields, the confirmations before a step that cannot be undone, and who may not
look. The rails are real (pagos with the bank simulator, buzon, documentos, calendario)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from auditoria.models import AuditEntry
from buzon.models import Notice
from cuentas.models import Office
from rim import selectors as rim_selectors
from tramites import services
from tramites.audit_actions import AuditAction
from tramites.models import Case, CaseAct

from .conftest import account, officer, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)
S = Case.Status
PRORROGA = "PRORROGA_RESIDENCIA"


# ---- helpers -------------------------------------------------------------------------------------

def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def staff_signed_in(user) -> Client:
    """An officer's session past TOTP, as cuentas' OTP page leaves it."""
    client = signed_in(user)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(user=user, name="app",
                                                                                        confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def text(response) -> str:
    """The page's visible words, tags stripped and spaces collapsed (what a reader would see)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1).strip()


def field_error(response, field_id: str) -> str:
    """The message shown on one field (its errorlist), or "" when the field has none."""
    found = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', response.content.decode(),
                      flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


def draft(user) -> Case:
    return services.case_draft_start(user=user, procedure_code=PRORROGA, actor=user)


def ready_draft(user, bank_receipt, *, payer: str = "001234567") -> Case:
    """A prórroga de residencia with its answers, both documents and the fee paid: ready to submit."""
    case = draft(user)
    services.case_draft_save(user=user, case_id=case.pk, data={"motivo": "Sigo con mi contrato"}, actor=user)
    for key, name in (("pasaporte", "pasaporte.pdf"), ("sustento", "contrato.pdf")):
        services.case_file_add(user=user, case_id=case.pk, key=key, name=name, data=pdf_bytes(1), actor=user)
    number, date = bank_receipt(amount="20.20", fee_code="07566", payer=payer)
    services.case_pay_receipt(user=user, case_id=case.pk, receipt_number=number, payment_date=date, actor=user)
    return case


def filed_case(user, bank_receipt) -> Case:
    case = ready_draft(user, bank_receipt)
    services.case_submit(user=user, case_id=case.pk, submit_key=f"k-{case.pk}", actor=user)
    return Case.objects.get(pk=case.pk)


def observed_case(user, bank_receipt, evaluator, *, documents=("sustento",)) -> Case:
    case = filed_case(user, bank_receipt)
    services.case_take(actor=evaluator, case_id=case.pk)
    services.case_observe(actor=evaluator, case_id=case.pk, text="El contrato no está firmado.",
                          documents=list(documents), term_business_days=5, kind="FORMAL")
    return Case.objects.get(pk=case.pk)


def reads(action: str, **filters) -> int:
    return AuditEntry.objects.filter(action=action, **filters).count()


# ---- the catalogue and a procedure's page ----------------------------------------------------------

def test_the_catalogue_signed_out_lists_every_procedure_and_asks_to_sign_in(office):
    response = Client().get("/tramites/")
    page = text(response)
    assert response.status_code == 200
    assert "Prórroga de residencia" in page and "Certificado de movimiento migratorio" in page
    assert "Ingresar para presentar un trámite" in page
    assert "Trámites que no puede presentar" not in page


def test_the_catalogue_signed_in_splits_what_she_may_file_from_what_not_and_says_why(worker, worker_user):
    response = signed_in(worker_user).get("/tramites/")
    html = response.content.decode()
    available = html.split('id="disponibles"')[1].split("</ul>")[0]
    closed = text(response).split("Trámites que no puede presentar ahora")[1]
    assert "Prórroga de residencia" in available
    assert "Prórroga de permanencia" not in available
    # each one she may not file carries its reason in words, beside its name
    assert "Prórroga de permanencia" in closed and "residente" in closed
    assert "PTP o CPP" in closed
    # the reasons read her record: an audited read with its purpose
    assert reads(AuditAction.ELIGIBILITY_READ, person_id=worker.pk) == 1


def test_an_account_not_yet_linked_is_asked_to_link_first(worker):
    user = account(worker, linked=False)
    page = text(signed_in(user).get("/tramites/"))
    assert "Vincular mi cuenta" in page and "Trámites que puede presentar" not in page


def test_the_procedure_page_has_its_description_requirements_and_steps(worker_user):
    response = signed_in(worker_user).get(f"/tramites/{PRORROGA}/")
    page = text(response)
    for heading in ("Descripción", "Requisitos", "Paso a paso"):
        assert f"<h2>{heading}</h2>" in response.content.decode()
    assert "S/ 20.20" in page and "30 días hábiles" in page and "Silencio positivo" in page
    assert "PDF o imagen de hasta 3 MB" in page
    assert 'action="/tramites/PRORROGA_RESIDENCIA/empezar/"' in response.content.decode()


def test_a_procedure_she_may_not_file_says_why_and_offers_no_start(cpp_user):
    response = signed_in(cpp_user).get(f"/tramites/{PRORROGA}/")
    assert "No puede presentar este trámite ahora." in text(response) and "no admite" in text(response)
    assert "/empezar/" not in response.content.decode()
    # and a start forced by hand is refused with the same reason, nothing created
    refused = signed_in(cpp_user).post(f"/tramites/{PRORROGA}/empezar/")
    assert refused.status_code == 403 and "no admite" in text(refused)
    assert not Case.objects.filter(applicant=cpp_user).exists()


def test_an_unknown_procedure_is_the_designed_404(office):
    response = Client().get("/tramites/NO_EXISTE/")
    assert response.status_code == 404


# ---- linking the account -------------------------------------------------------------------------

LINK = {"document_type": "CE", "document_number": "001234567", "birth_date": "1990-03-14", "nationality": "COL"}


def _last_entry(person) -> str:
    movement = person.movements.order_by("-occurred_at").first()
    return timezone.localtime(movement.occurred_at).date().isoformat()


def test_linking_with_her_right_data_ties_the_account_to_her_record(worker):
    user = account(worker, linked=False)
    client = signed_in(user)
    form = client.get("/tramites/vincular/")
    assert form.status_code == 200 and "Fecha de su última entrada al Perú" in text(form)
    # her nationality is picked by its name, not typed as a code
    assert '<option value="COL">Colombia (COL)</option>' in form.content.decode()
    response = client.post("/tramites/vincular/", {**LINK, "last_entry_date": _last_entry(worker)}, follow=True)
    assert response.redirect_chain[-1][0] == "/tramites/"
    assert "Su cuenta quedó vinculada" in text(response) and "Trámites que puede presentar" in text(response)
    worker.refresh_from_db()
    assert worker.user_id == user.pk


def test_linking_with_a_wrong_date_says_the_data_do_not_match_on_the_field(worker):
    user = account(worker, linked=False)
    response = signed_in(user).post("/tramites/vincular/", {**LINK, "last_entry_date": "2020-01-01"})
    assert response.status_code == 400 and title(response).startswith("Error:")
    assert "Los datos no coinciden" in field_error(response, "id_document_number")
    # the typed data come back (she corrects one, not all)
    assert 'value="001234567"' in response.content.decode()
    worker.refresh_from_db()
    assert worker.user_id is None


def test_linking_is_throttled_after_five_tries_an_hour(worker):
    user = account(worker, linked=False)
    client = signed_in(user)
    for _ in range(5):
        assert client.post("/tramites/vincular/", {**LINK, "last_entry_date": "2020-01-01"}).status_code == 400
    sixth = client.post("/tramites/vincular/", {**LINK, "last_entry_date": _last_entry(worker)})
    assert sixth.status_code == 429
    worker.refresh_from_db()
    assert worker.user_id is None


# ---- the draft -----------------------------------------------------------------------------------

def test_starting_opens_the_draft_task_list(worker_user):
    client = signed_in(worker_user)
    response = client.post(f"/tramites/{PRORROGA}/empezar/", follow=True)
    case = Case.objects.get(applicant=worker_user)
    assert response.redirect_chain[-1][0] == f"/tramites/expedientes/{case.pk}/"
    tasks = text(response).split("Borrar este borrador")[0]
    assert "Responder las preguntas Por hacer" in tasks
    assert "Pagar la tasa Por hacer" in tasks and "Revisar y presentar Complete lo anterior" in tasks
    # starting again opens the same draft
    client.post(f"/tramites/{PRORROGA}/empezar/")
    assert Case.objects.filter(applicant=worker_user).count() == 1


def test_a_wrong_answer_stays_on_its_field_and_what_she_typed_is_kept(worker_user):
    case = draft(worker_user)
    client = signed_in(worker_user)
    too_long = "x" * 600
    response = client.post(f"/tramites/expedientes/{case.pk}/preguntas/", {"motivo": too_long})
    assert response.status_code == 400 and title(response).startswith("Error:")
    assert "Escriba como máximo" in field_error(response, "id_motivo")
    assert too_long in response.content.decode()
    # what she typed is kept in the draft, even wrong: coming back shows it
    again = client.get(f"/tramites/expedientes/{case.pk}/preguntas/")
    assert too_long in again.content.decode()
    # a right answer takes her back to the task list, with the questions done
    done = client.post(f"/tramites/expedientes/{case.pk}/preguntas/", {"motivo": "Sigo con mi contrato"}, follow=True)
    assert "Responder las preguntas Completo" in text(done)


def test_an_accepted_file_is_named_on_the_task_list(worker_user):
    case = draft(worker_user)
    client = signed_in(worker_user)
    form = client.get(f"/tramites/expedientes/{case.pk}/documentos/sustento/")
    assert form.status_code == 200 and "hasta 3 MB" in text(form)
    response = client.post(f"/tramites/expedientes/{case.pk}/documentos/sustento/",
                           {"archivo": SimpleUploadedFile("contrato.pdf", pdf_bytes(2), "application/pdf")},
                           follow=True)
    assert response.redirect_chain[-1][0] == f"/tramites/expedientes/{case.pk}/"
    assert "Archivo aceptado: contrato.pdf" in text(response)
    assert case.files.get().name == "contrato.pdf"
    # the upload page then says which file is kept
    assert "Archivo aceptado: contrato.pdf" in text(client.get(f"/tramites/expedientes/{case.pk}/documentos/sustento/"))


def test_a_file_over_3_mb_is_413_on_the_field_and_nothing_is_kept(worker_user):
    case = draft(worker_user)
    big = pdf_bytes(1) + b"%" + b"0" * (3 * 1024 * 1024)
    response = signed_in(worker_user).post(f"/tramites/expedientes/{case.pk}/documentos/sustento/",
                                           {"archivo": SimpleUploadedFile("grande.pdf", big, "application/pdf")})
    assert response.status_code == 413 and title(response).startswith("Error:")
    assert "supera 3 MB" in field_error(response, "id_archivo")
    assert not case.files.exists()


def test_an_oversize_file_is_413_on_the_field_with_the_csrf_check_on(worker_user):
    """As a browser sends it: the CSRF token in the form, the check enforced (the test client skips it)."""
    case = draft(worker_user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker_user, backend="django.contrib.auth.backends.ModelBackend")
    form = client.get(f"/tramites/expedientes/{case.pk}/documentos/sustento/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    big = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024 + 10)
    response = client.post(f"/tramites/expedientes/{case.pk}/documentos/sustento/", {
        "csrfmiddlewaretoken": token, "archivo": SimpleUploadedFile("grande.pdf", big, "application/pdf")})
    assert response.status_code == 413 and "supera 3 MB" in field_error(response, "id_archivo")
    assert not case.files.exists()


def test_an_executable_named_pdf_is_refused_on_the_field(worker_user):
    case = draft(worker_user)
    exe = SimpleUploadedFile("contrato.pdf", b"MZ\x90\x00" + b"\x00" * 500, "application/pdf")
    response = signed_in(worker_user).post(f"/tramites/expedientes/{case.pk}/documentos/sustento/", {"archivo": exe})
    assert response.status_code == 415 and title(response).startswith("Error:")
    assert "«contrato.pdf» no es de un tipo admitido" in field_error(response, "id_archivo")
    assert not case.files.exists()


def test_no_file_chosen_is_said_on_the_field(worker_user):
    case = draft(worker_user)
    response = signed_in(worker_user).post(f"/tramites/expedientes/{case.pk}/documentos/sustento/", {})
    assert response.status_code == 400 and "Elija un archivo" in field_error(response, "id_archivo")


def test_paying_by_receipt_marks_the_fee_paid(worker_user, bank_receipt):
    case = draft(worker_user)
    client = signed_in(worker_user)
    form = client.get(f"/tramites/expedientes/{case.pk}/pago/")
    assert "S/ 20.20" in text(form) and "Por pagar" in text(form)
    number, date = bank_receipt(amount="20.20", fee_code="07566", payer="001234567")
    response = client.post(f"/tramites/expedientes/{case.pk}/pago/",
                           {"receipt_number": number, "payment_date": date.isoformat()}, follow=True)
    assert "Pago confirmado por el Banco de la Nación" in text(response)
    assert "Pagar la tasa Pagado" in text(response)


def test_a_receipt_the_bank_does_not_know_is_an_error_on_the_form(worker_user, external_systems):
    case = draft(worker_user)
    response = signed_in(worker_user).post(f"/tramites/expedientes/{case.pk}/pago/", {
        "receipt_number": "99999999", "payment_date": timezone.localdate().isoformat()})
    assert response.status_code == 400 and title(response).startswith("Error:")
    assert "no existe en el Banco de la Nación" in field_error(response, "id_receipt_number")
    assert services.payment_state(case) == "due"


def test_a_future_payment_date_is_refused_on_its_field(worker_user):
    case = draft(worker_user)
    response = signed_in(worker_user).post(f"/tramites/expedientes/{case.pk}/pago/", {
        "receipt_number": "123", "payment_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()})
    assert response.status_code == 400 and "no puede ser futura" in field_error(response, "id_payment_date")


def test_check_your_answers_then_submit_once(worker_user, bank_receipt):
    case = ready_draft(worker_user, bank_receipt)
    client = signed_in(worker_user)
    check = client.get(f"/tramites/expedientes/{case.pk}/presentar/")
    page = text(check)
    assert "Sigo con mi contrato" in page and "pasaporte.pdf" in page and "contrato.pdf" in page
    assert "S/ 20.20 — Pagado" in page
    key = re.search(r'name="submit_key" value="([^"]+)"', check.content.decode()).group(1)
    response = client.post(f"/tramites/expedientes/{case.pk}/presentar/", {"submit_key": key})
    assert response.status_code == 302 and response["Location"] == f"/tramites/expedientes/{case.pk}/presentado/"
    # a double click: the same key makes no second case
    again = client.post(f"/tramites/expedientes/{case.pk}/presentar/", {"submit_key": key})
    assert again.status_code == 302
    assert Case.objects.filter(applicant=worker_user).exclude(status=S.DRAFT).count() == 1
    confirmation = client.get(response["Location"])
    case.refresh_from_db()
    assert "Solicitud presentada" in text(confirmation) and case.number in text(confirmation)


def test_check_your_answers_with_something_missing_offers_no_submit(worker_user):
    case = draft(worker_user)
    # and a draft has no confirmation page yet
    assert signed_in(worker_user).get(f"/tramites/expedientes/{case.pk}/presentado/").status_code == 302
    response = signed_in(worker_user).get(f"/tramites/expedientes/{case.pk}/presentar/")
    assert "Aún falta completar algo" in text(response) and 'name="submit_key"' not in response.content.decode()


def test_the_constancia_appears_on_the_confirmation_by_polling(worker_user, bank_receipt, broker_outage):
    from migraciones.celery import app
    from outbox.services import outbox_publish_pending

    case = ready_draft(worker_user, bank_receipt)
    # given: the worker has not made the constancia yet (the broker is away: the task waits in the outbox)
    app.conf.task_always_eager = False
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="poll", actor=worker_user)
    client = signed_in(worker_user)
    page = client.get(f"/tramites/expedientes/{case.pk}/presentado/")
    assert "Estamos preparando su constancia firmada" in text(page)
    assert "data-poll" in page.content.decode() and "poll.js" in page.content.decode()
    assert 'http-equiv="refresh"' not in page.content.decode()
    polled = client.get(f"/tramites/expedientes/{case.pk}/presentado/", HTTP_X_POLL="1")
    assert "<html" not in polled.content.decode() and "preparando" in text(polled)
    # when: the task runs
    broker_outage.restore()
    app.conf.task_always_eager = True
    outbox_publish_pending(older_than_s=0)
    # then: the next poll brings the download link and stops the polling
    polled = client.get(f"/tramites/expedientes/{case.pk}/presentado/", HTTP_X_POLL="1")
    code = case.acts.get(kind=CaseAct.Kind.CONSTANCIA).document.code
    assert "Descargar la constancia de trámite (PDF)" in text(polled) and "data-poll-stop" in polled.content.decode()
    assert code in text(polled) or f"{code[:4]}-" in text(polled)
    pdf = client.get(f"/tramites/expedientes/{case.pk}/documento/constancia.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_discarding_a_draft_asks_first_then_deletes_it(worker_user):
    case = draft(worker_user)
    client = signed_in(worker_user)
    ask = client.get(f"/tramites/expedientes/{case.pk}/borrar/")
    assert "¿Borrar este borrador?" in text(ask) and "No se puede deshacer" in text(ask)
    assert Case.objects.filter(pk=case.pk).exists()
    done = client.post(f"/tramites/expedientes/{case.pk}/borrar/", follow=True)
    assert "Borró el borrador" in text(done) and not Case.objects.filter(pk=case.pk).exists()


def test_another_persons_case_is_404(worker_user, cpp_user):
    case = draft(worker_user)
    client = signed_in(cpp_user)
    for path in ("", "preguntas/", "pago/", "presentar/", "documentos/sustento/", "borrar/"):
        assert client.get(f"/tramites/expedientes/{case.pk}/{path}").status_code == 404, path


def test_an_officer_gets_403_on_an_applicants_page(office, worker_user):
    case = draft(worker_user)
    client = staff_signed_in(officer(office))
    assert client.get(f"/tramites/expedientes/{case.pk}/").status_code == 403


# ---- after filing --------------------------------------------------------------------------------

def test_the_case_page_shows_the_stages_the_expected_date_and_the_place_in_the_queue(
        worker_user, bank_receipt, cpp_user):
    case = filed_case(worker_user, bank_receipt)
    response = signed_in(worker_user).get(f"/tramites/expedientes/{case.pk}/")
    html, page = response.content.decode(), text(response)
    assert case.number in page
    stages = html.split('id="etapas"')[1].split("</ol>")[0]
    assert re.search(r'class="current">.*Presentado</li><li class="todo">En evaluación', stages)
    assert "Etapa actual:" in stages
    assert f"{case.due_on:%d/%m/%Y}" in page and "días hábiles" in page
    assert re.search(r"Lugar en la cola\s+1\b", page)
    assert "Constancia de trámite (PDF)" in page


def test_answering_an_observation_needs_the_corrected_file_and_resumes_the_evaluation(
        worker_user, bank_receipt, officers):
    evaluator, _ = officers
    case = observed_case(worker_user, bank_receipt, evaluator)
    client = signed_in(worker_user)
    page = text(client.get(f"/tramites/expedientes/{case.pk}/"))
    assert "Su expediente tiene una observación" in page and "El contrato no está firmado." in page
    # the legal term is paused while she answers: no expected date is promised meanwhile
    assert "Resolución esperada" not in page
    form = client.get(f"/tramites/expedientes/{case.pk}/responder/")
    assert "Documentos que debe presentar de nuevo" in text(form) and "Por hacer" in text(form)
    # an answer without the corrected file: said on the page, the answer kept
    response = client.post(f"/tramites/expedientes/{case.pk}/responder/", {"answer": "Adjunto el contrato"})
    assert response.status_code == 400 and title(response).startswith("Error:")
    assert "Adjunte" in text(response) and "Adjunto el contrato" in response.content.decode()
    # she uploads the corrected file from the answer page and comes back to it
    upload = client.post(f"/tramites/expedientes/{case.pk}/documentos/sustento/",
                         {"archivo": SimpleUploadedFile("contrato-firmado.pdf", pdf_bytes(1), "application/pdf")})
    assert upload["Location"] == f"/tramites/expedientes/{case.pk}/responder/"
    assert "Archivo aceptado: contrato-firmado.pdf" in text(client.get(upload["Location"]))
    done = client.post(f"/tramites/expedientes/{case.pk}/responder/", {"answer": "Adjunto el contrato firmado"},
                       follow=True)
    assert "Envió su respuesta" in text(done)
    assert Case.objects.get(pk=case.pk).status == S.CORRECTED


def test_the_extension_asks_first_and_is_granted_once(worker_user, bank_receipt, officers):
    evaluator, _ = officers
    case = observed_case(worker_user, bank_receipt, evaluator)
    client = signed_in(worker_user)
    assert "Pedir una prórroga de 30 días" in text(client.get(f"/tramites/expedientes/{case.pk}/"))
    ask = client.get(f"/tramites/expedientes/{case.pk}/prorroga/")
    assert "¿Pedir una prórroga de 30 días para responder?" in text(ask)
    assert case.observations.get().extension_days == 0
    done = client.post(f"/tramites/expedientes/{case.pk}/prorroga/", follow=True)
    assert "Se le concedió una prórroga de 30 días" in text(done)
    assert "Pedir una prórroga de 30 días" not in text(done)
    again = client.post(f"/tramites/expedientes/{case.pk}/prorroga/", follow=True)
    assert "una sola vez" in text(again) and case.observations.get().extension_days == 30


def test_no_confirmation_is_asked_for_a_step_the_case_no_longer_allows(worker_user, bank_receipt):
    case = filed_case(worker_user, bank_receipt)
    client = signed_in(worker_user)
    # filed: no check-your-answers again, no new answers, no upload outside an observation
    for path in ("presentar/", "documentos/sustento/", "preguntas/", "borrar/"):
        assert client.get(f"/tramites/expedientes/{case.pk}/{path}")["Location"] == f"/tramites/expedientes/{case.pk}/"
    # no observation: there is no term to extend; the link goes back to the case
    assert client.get(f"/tramites/expedientes/{case.pk}/prorroga/")["Location"] == f"/tramites/expedientes/{case.pk}/"
    services.case_withdraw(user=worker_user, case_id=case.pk, reason="Ya no lo necesito", actor=worker_user)
    assert client.get(f"/tramites/expedientes/{case.pk}/desistir/")["Location"] == f"/tramites/expedientes/{case.pk}/"


def test_withdrawing_asks_first_and_needs_a_reason(worker_user, bank_receipt):
    case = filed_case(worker_user, bank_receipt)
    client = signed_in(worker_user)
    ask = client.get(f"/tramites/expedientes/{case.pk}/desistir/")
    assert "¿Desistir de su trámite?" in text(ask) and "no se puede reabrir" in text(ask)
    empty = client.post(f"/tramites/expedientes/{case.pk}/desistir/", {"reason": ""})
    assert empty.status_code == 400 and title(empty).startswith("Error:") and field_error(empty, "id_reason")
    assert Case.objects.get(pk=case.pk).status == S.FILED
    done = client.post(f"/tramites/expedientes/{case.pk}/desistir/", {"reason": "Me voy del país"}, follow=True)
    assert "Desistió del trámite" in text(done) and "Desistir del trámite" not in text(done).split("Desistió")[1]
    case.refresh_from_db()
    assert case.status == S.WITHDRAWN and case.closed_reason == "Me voy del país"


def test_an_appeal_against_a_denial_within_the_term(worker_user, bank_receipt, officers):
    evaluator, _ = officers
    case = filed_case(worker_user, bank_receipt)
    services.case_take(actor=evaluator, case_id=case.pk)
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="DENIED", text="El contrato venció.")
    Notice.objects.filter(pk=case.acts.get(kind=CaseAct.Kind.RESOLUCION).notice_id).update(
        acknowledged_at=timezone.now())
    services.cases_deadlines_apply()
    client = signed_in(worker_user)
    page = text(client.get(f"/tramites/expedientes/{case.pk}/"))
    assert "Denegado" in page and "El contrato venció." in page and "Puede pedir reconsideración hasta el" in page
    empty = client.post(f"/tramites/expedientes/{case.pk}/reconsideracion/", {"text": ""})
    assert empty.status_code == 400 and field_error(empty, "id_text")
    done = client.post(f"/tramites/expedientes/{case.pk}/reconsideracion/",
                       {"text": "Adjunté el contrato vigente."}, follow=True)
    assert "Presentó su pedido de reconsideración" in text(done)
    assert Case.objects.get(pk=case.pk).status == S.APPEALED


# ---- the officers' pages -------------------------------------------------------------------------

def test_the_queue_puts_the_nearest_deadline_first_marks_the_ones_at_risk_and_polls(
        office, worker_user, bank_receipt, cpp_user):
    evaluator = officer(office)
    later = filed_case(worker_user, bank_receipt)
    # given: a second case whose legal term ends in three business days (at risk of silence)
    from calendario.services import add_business_days

    soon = filed_case(account(_another_worker()), bank_receipt_for(bank_receipt, "001234568"))
    Case.objects.filter(pk=soon.pk).update(due_on=add_business_days(timezone.localdate(), 3))
    client = staff_signed_in(evaluator)
    response = client.get("/tramites/servidor/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(soon.number) < html.index(later.number)
    row = html.split(soon.number)[1].split("</li>")[0]
    assert 'status-wait">3 días hábiles' in row
    assert 'status-wait' not in html.split(later.number)[1].split("</li>")[0]
    # the list is a polled region (no reload of the page), and its poll answers the rows alone
    assert "data-poll" in html and "poll.js" in html and 'http-equiv="refresh"' not in html
    polled = client.get("/tramites/servidor/", HTTP_X_POLL="1")
    assert "<html" not in polled.content.decode() and soon.number in polled.content.decode()
    # a filter by procedure keeps only its cases
    other = client.get("/tramites/servidor/?tramite=DUPLICADO_CARNE")
    assert soon.number not in other.content.decode() and "No hay expedientes pendientes" in text(other)


def _another_worker():
    from rim import services as rim_services
    from rim.tests.factories import IdentityDocumentFactory, PersonFactory

    from .conftest import SYSTEM, days, enter

    person = PersonFactory(nationality="ECU", birth_date=dt.date(1985, 5, 5))
    IdentityDocumentFactory(person=person, kind="CARNE_EXTRANJERIA", number="001234568", issuing_state="PER")
    rim_services.residence_status_set(actor=SYSTEM, person=person, calidad="TRABAJADOR_RESIDENTE",
                                      valid_from=days(-300), valid_until=days(40), reference="RES-2025-2")
    enter(person, days_ago=200)
    return person


def bank_receipt_for(bank_receipt, payer: str):
    """The bank_receipt fixture with another payer (a second applicant's receipt)."""
    return lambda **kw: bank_receipt(**{**kw, "payer": payer})


def test_the_case_page_shows_the_file_beside_the_rim_record_and_audits_every_read(
        office, worker, worker_user, bank_receipt):
    evaluator = officer(office)
    case = filed_case(worker_user, bank_receipt)
    client = staff_signed_in(evaluator)
    before_case = reads(AuditAction.CASE_READ, person_id=worker.pk, actor_id=evaluator.pk)
    response = client.get(f"/tramites/servidor/expedientes/{case.pk}/")
    page = text(response)
    assert response.status_code == 200
    solicitud = page.split("Registro en el RIM")[0]
    rim_part = page.split("Registro en el RIM")[1]
    assert "Sigo con mi contrato" in solicitud and "pasaporte.pdf" in solicitud and "contrato.pdf" in solicitud
    assert worker.full_name in rim_part and "Trabajador" in rim_part
    status = rim_selectors.residence_status_current(person_id=worker.pk)
    assert f"{status.valid_until:%d/%m/%Y}" in rim_part and "001234567" in rim_part
    # both reads are in her access log: the case, and her record in the RIM
    assert reads(AuditAction.CASE_READ, person_id=worker.pk, actor_id=evaluator.pk) == before_case + 1
    assert reads("rim.person_get", person_id=worker.pk, actor_id=evaluator.pk) == 1
    # and opening a file is one more, naming the file
    row = case.files.get(key="sustento")
    assert f"/tramites/servidor/expedientes/{case.pk}/archivos/{row.pk}/" in response.content.decode()
    download = client.get(f"/tramites/servidor/expedientes/{case.pk}/archivos/{row.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF") and download["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action=AuditAction.CASE_FILE_READ, actor_id=evaluator.pk)
    assert entry.person_id == worker.pk and entry.details["file"] == row.pk


def test_take_observe_and_the_observation_reaches_her_buzon(office, worker_user, bank_receipt):
    evaluator = officer(office)
    case = filed_case(worker_user, bank_receipt)
    client = staff_signed_in(evaluator)
    taken = client.post(f"/tramites/servidor/expedientes/{case.pk}/tomar/", follow=True)
    assert "Tomó el expediente" in text(taken) and f"Asignado a {evaluator.username}" in text(taken)
    form = client.get(f"/tramites/servidor/expedientes/{case.pk}/observar/")
    assert "una sola vez" in text(form)
    # nothing chosen: each field says what is missing, nothing is sent
    empty = client.post(f"/tramites/servidor/expedientes/{case.pk}/observar/", {})
    assert empty.status_code == 400 and title(empty).startswith("Error:")
    assert field_error(empty, "id_text") and field_error(empty, "id_term_business_days")
    # the error summary's links lead to the fields (the radios' to their first option)
    assert 'href="#id_term_business_days_0"' in empty.content.decode() and 'href="#"' not in empty.content.decode()
    assert Case.objects.get(pk=case.pk).status == S.IN_EVALUATION
    done = client.post(f"/tramites/servidor/expedientes/{case.pk}/observar/", {
        "text": "El contrato no está firmado.", "documents": ["sustento"], "term_business_days": "5",
        "kind": "FORMAL"}, follow=True)
    assert "se depositó en el buzón del solicitante" in text(done)
    assert Case.objects.get(pk=case.pk).status == S.OBSERVED
    notice = Notice.objects.get(recipient=worker_user, expediente=case.number)
    assert "El contrato no está firmado." in notice.body
    # a second observation is not offered, and its page leads back to the case
    assert f"/tramites/servidor/expedientes/{case.pk}/observar/" not in done.content.decode()
    again = client.get(f"/tramites/servidor/expedientes/{case.pk}/observar/")
    assert again["Location"] == f"/tramites/servidor/expedientes/{case.pk}/"


def test_resolving_needs_the_grounds_to_deny_and_an_approval_changes_the_rim(
        office, worker, worker_user, bank_receipt):
    evaluator = officer(office)
    case = filed_case(worker_user, bank_receipt)
    client = staff_signed_in(evaluator)
    client.post(f"/tramites/servidor/expedientes/{case.pk}/tomar/")
    no_grounds = client.post(f"/tramites/servidor/expedientes/{case.pk}/resolver/", {"outcome": "DENIED", "text": ""})
    assert no_grounds.status_code == 400 and title(no_grounds).startswith("Error:")
    assert "Obligatorio" in field_error(no_grounds, "id_text") or "fundamentos" in text(no_grounds)
    before = rim_selectors.residence_status_current(person_id=worker.pk).valid_until
    done = client.post(f"/tramites/servidor/expedientes/{case.pk}/resolver/",
                       {"outcome": "APPROVED", "text": "Cumple los requisitos."}, follow=True)
    assert "Resolvió el expediente" in text(done)
    assert rim_selectors.residence_status_current(person_id=worker.pk).valid_until > before
    assert Case.objects.get(pk=case.pk).status == S.EFFECTS_APPLIED
    # a decided case offers no second resolution, and no legal term runs any more
    assert "/resolver/" not in done.content.decode() and "Acciones" not in text(done)
    assert "días hábiles" not in text(done).split("Solicitud")[0]
    assert client.get(f"/tramites/servidor/expedientes/{case.pk}/resolver/").status_code == 302


def test_a_second_officer_approves_the_resolution_another_drafted(
        office, cpp_user, bank_receipt, external_systems):
    evaluator, reviewer = officer(office), officer(office)
    case = services.case_draft_start(user=cpp_user, procedure_code="CAMBIO_CALIDAD_ESPECIAL_RESIDENTE", actor=cpp_user)
    for key in ("pasaporte", "antecedentes_pais"):
        services.case_file_add(user=cpp_user, case_id=case.pk, key=key, name=f"{key}.pdf", data=pdf_bytes(1),
                               actor=cpp_user)
    number, date = bank_receipt(amount="40.60", fee_code="07568", payer="000987654")
    services.case_pay_receipt(user=cpp_user, case_id=case.pk, receipt_number=number, payment_date=date, actor=cpp_user)
    services.case_submit(user=cpp_user, case_id=case.pk, submit_key="er", actor=cpp_user)
    first = staff_signed_in(evaluator)
    first.post(f"/tramites/servidor/expedientes/{case.pk}/tomar/")
    form = first.get(f"/tramites/servidor/expedientes/{case.pk}/resolver/")
    assert "aprobación de un segundo servidor" in text(form)
    drafted = first.post(f"/tramites/servidor/expedientes/{case.pk}/resolver/",
                         {"outcome": "APPROVED", "text": "Sin antecedentes."}, follow=True)
    assert "otro servidor debe aprobarla" in text(drafted)
    # the one who drafted it is not offered the approval, and cannot force it
    assert "Aprobar la resolución redactada" not in text(drafted)
    forced = first.post(f"/tramites/servidor/expedientes/{case.pk}/aprobar/")
    assert forced.status_code == 409 and Case.objects.get(pk=case.pk).approved_by is None
    second = staff_signed_in(reviewer)
    page = second.get(f"/tramites/servidor/expedientes/{case.pk}/")
    assert f"Resolución redactada por {evaluator.username}" in text(page)
    assert "Aprobar la resolución redactada" in text(page)
    done = second.post(f"/tramites/servidor/expedientes/{case.pk}/aprobar/", follow=True)
    assert "Aprobó la resolución" in text(done)
    case.refresh_from_db()
    assert case.approved_by == reviewer and case.status == S.EFFECTS_APPLIED


def test_another_sedes_case_is_404_and_a_citizen_or_foreigner_gets_403(office, worker_user, bank_receipt):
    case = filed_case(worker_user, bank_receipt)
    row = case.files.first()
    elsewhere = staff_signed_in(officer(Office.objects.create(code="CUSCO", name="Sede Cusco", address="Av. Sol 1",
                                                              city="Cusco")))
    for path in ("", "observar/", "resolver/", f"archivos/{row.pk}/"):
        assert elsewhere.get(f"/tramites/servidor/expedientes/{case.pk}/{path}").status_code == 404, path
    assert elsewhere.post(f"/tramites/servidor/expedientes/{case.pk}/tomar/").status_code == 403
    assert Case.objects.get(pk=case.pk).status == S.FILED
    assert case.number not in elsewhere.get("/tramites/servidor/").content.decode()
    applicant = signed_in(worker_user)
    for path in ("/tramites/servidor/", f"/tramites/servidor/expedientes/{case.pk}/", "/tramites/servidor/tablero/"):
        assert applicant.get(path).status_code == 403, path
    # signed out: to the sign-in page
    assert Client().get("/tramites/servidor/")["Location"].startswith("/cuentas/ingresar/")


def test_the_supervisors_dashboard(office, worker_user, bank_receipt):
    evaluator = officer(office, name="evaluadora")
    supervisor = officer(office, role="supervisor")
    near = filed_case(worker_user, bank_receipt)
    Case.objects.filter(pk=near.pk).update(due_on=timezone.localdate() + dt.timedelta(days=1))
    resolved = filed_case(account(_another_worker()), bank_receipt_for(bank_receipt, "001234568"))
    services.case_take(actor=evaluator, case_id=resolved.pk)
    services.case_resolve(actor=evaluator, case_id=resolved.pk, outcome="APPROVED", text="")
    response = staff_signed_in(supervisor).get("/tramites/servidor/tablero/")
    page = text(response)
    assert response.status_code == 200
    assert re.search(r"Cerca del silencio administrativo \(5 días hábiles o menos\) 1\b", page)
    assert re.search(r"Prórroga de residencia: 1\b", page)
    assert re.search(r"evaluadora: 1\b", page)
    # an officer is not a supervisor
    assert staff_signed_in(evaluator).get("/tramites/servidor/tablero/").status_code == 403


# ---- in English (these need the English of the pages, merged by the lead from docs/i18n-pending) --------

def test_a_paid_fee_says_so_in_english(worker_user, bank_receipt):
    case = draft(worker_user)
    number, date = bank_receipt(amount="20.20", fee_code="07566", payer="001234567")
    services.case_pay_receipt(user=worker_user, case_id=case.pk, receipt_number=number, payment_date=date,
                              actor=worker_user)
    client = signed_in(worker_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(client.get(f"/tramites/expedientes/{case.pk}/pago/"))
    assert "The fee is paid: there is nothing more to do in this step." in page
    assert "Ya pagué en el banco" not in page and "I already paid at the bank" not in page


def test_the_officer_starts_an_observation_and_a_resolution_from_the_texts_of_the_procedure(
        office, worker_user, bank_receipt):
    evaluator = officer(office)
    case = filed_case(worker_user, bank_receipt)
    client = staff_signed_in(evaluator)
    base = f"/tramites/servidor/expedientes/{case.pk}"
    # the observation page offers the texts written for a prórroga, and picking two puts both in the form
    page = client.get(f"{base}/observar/").content.decode()
    assert "Contrato sin firma" in page and "Documento ilegible" in page and "Falta apostilla" not in page
    both = client.get(f"{base}/observar/", {"texto": ["documento_ilegible", "contrato_sin_firma"]}).content.decode()
    assert "no se puede leer por completo" in both and "no tiene la firma de ambas partes" in both
    # a resolution's text also chooses its outcome
    denial = client.get(f"{base}/resolver/", {"texto": "denegado_requisitos"}).content.decode()
    assert "no se acredita el cumplimiento" in denial
    assert re.search(r'value="DENIED"[^>]*checked|checked[^>]*value="DENIED"', denial)
