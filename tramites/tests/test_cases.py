"""Cases from filing to their effect in the RIM, through the real rails (pagos with the bank simulator,
buzon, documentos, calendario) and the real clients (PNP, Interpol simulators)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from buzon.models import Notice
from core.errors import Conflict, PermissionDenied, UnsupportedMediaType, ValidationFailed
from documentos.selectors import document_verify
from pagos.models import Payment
from rim import selectors as rim_selectors
from rim.models import IdentityDocument, Permit
from tramites import selectors, services
from tramites.models import Case, CaseAct, CarneRequest

from .conftest import days, officer, pdf_bytes

# Committed for real: the outbox publishes the tasks (eager here) after each commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)
S = Case.Status


def _draft_prorroga(user, bank_receipt):
    """A prórroga de residencia ready to submit: answers, both documents, the fee paid by receipt."""
    case = services.case_draft_start(user=user, procedure_code="PRORROGA_RESIDENCIA", actor=user)
    services.case_draft_save(user=user, case_id=case.pk, data={"motivo": "Sigo con mi contrato de trabajo"},
                             actor=user)
    services.case_file_add(user=user, case_id=case.pk, key="pasaporte", name="pasaporte.pdf", data=pdf_bytes(1),
                           actor=user)
    services.case_file_add(user=user, case_id=case.pk, key="sustento", name="contrato.pdf", data=pdf_bytes(3),
                           actor=user)
    number, date = bank_receipt(amount="20.20", fee_code="07566", payer="001234567")
    payment = services.case_pay_receipt(user=user, case_id=case.pk, receipt_number=number, payment_date=date,
                                        actor=user)
    assert payment.status == Payment.Status.PAID
    return case


def test_the_catalogue_says_why_each_procedure_is_closed_to_this_person(worker, worker_user, cpp_holder, visitor):
    # when: the resident worker, the CPP holder and the visitor look at the catalogue
    reasons = {e.spec.code: e.reason for e in selectors.catalogue(person=worker, actor=worker_user)}
    cpp = {e.spec.code: e.reason for e in selectors.catalogue(person=cpp_holder)}
    tourist = {e.spec.code: e.reason for e in selectors.catalogue(person=visitor)}
    # then: each may file what their situation allows, and every other procedure says why not
    assert reasons["PRORROGA_RESIDENCIA"] is None and reasons["CERTIFICADO_MOVIMIENTO_MIGRATORIO"] is None
    assert "PTP o CPP" in reasons["CAMBIO_CALIDAD_ESPECIAL_RESIDENTE"]
    assert "Comunidad Andina" not in (reasons["PRORROGA_PERMANENCIA"] or "")  # she is Colombian, but resident
    assert "residente" in reasons["PRORROGA_PERMANENCIA"]
    assert cpp["CAMBIO_CALIDAD_ESPECIAL_RESIDENTE"] is None and cpp["PERMISO_ESPECIAL_VIAJE"] is None
    assert "no admite" in cpp["PRORROGA_RESIDENCIA"]
    assert tourist["PRORROGA_PERMANENCIA"] is None
    assert "residente" in tourist["PRORROGA_RESIDENCIA"]
    assert all(reason for code, reason in tourist.items() if code not in (
        "PRORROGA_PERMANENCIA", "PERMISO_FIRMAR_CONTRATOS", "CERTIFICADO_MOVIMIENTO_MIGRATORIO",
        "CAMBIO_CALIDAD_TRABAJADOR_RESIDENTE", "CAMBIO_CALIDAD_FAMILIAR_RESIDENTE"))


def test_a_person_not_eligible_cannot_start_and_is_told_why(cpp_user):
    with pytest.raises(PermissionDenied) as refused:
        services.case_draft_start(user=cpp_user, procedure_code="PRORROGA_RESIDENCIA", actor=cpp_user)
    assert "no admite este trámite" in refused.value.message


def test_prorroga_filed_observed_corrected_approved_extends_the_residence_in_the_rim(
        worker, worker_user, office, officers, bank_receipt):
    evaluator, _other = officers
    before = rim_selectors.residence_status_current(person_id=worker.pk).valid_until
    # given: a draft with answers, documents and the fee paid; when it is submitted
    case = _draft_prorroga(worker_user, bank_receipt)
    case = services.case_submit(user=worker_user, case_id=case.pk, submit_key="k-1", actor=worker_user)
    # then: it has a number, a legal term of 30 business days and a signed constancia that verifies
    case.refresh_from_db()
    assert case.status == S.FILED and case.number.startswith(f"EXP-{timezone.localdate():%Y}-")
    assert case.due_on > timezone.localdate() + dt.timedelta(days=30)
    constancia = case.acts.get(kind=CaseAct.Kind.CONSTANCIA).document
    assert document_verify(constancia.code, actor=None, via="test").status == "VALID"
    # when: the officer takes it and observes the contract, with 5 business days
    services.case_take(actor=evaluator, case_id=case.pk)
    observation = services.case_observe(actor=evaluator, case_id=case.pk, text="El contrato no está firmado.",
                                        documents=["sustento"], term_business_days=5)
    # then: the observation is a notice with its term in her buzón
    notice = Notice.objects.get(pk=observation.notice_id)
    assert notice.recipient_id == worker_user.pk and notice.deadline_business_days == 5
    assert "El contrato no está firmado." in notice.body and notice.expediente == case.number
    # and she cannot answer without the corrected document
    with pytest.raises(ValidationFailed) as missing:
        services.case_correct(user=worker_user, case_id=case.pk, answer="Adjunto el contrato", actor=worker_user)
    assert "sustento" in missing.value.fields
    services.case_file_add(user=worker_user, case_id=case.pk, key="sustento", name="contrato-firmado.pdf",
                           data=pdf_bytes(2), actor=worker_user)
    services.case_correct(user=worker_user, case_id=case.pk, answer="Adjunto el contrato firmado", actor=worker_user)
    # when: the officer approves
    services.case_take(actor=evaluator, case_id=case.pk)
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="APPROVED", text="Cumple los requisitos.")
    # then: the residence is a year longer in the RIM, in the same act as the case's end
    case.refresh_from_db()
    assert case.status == S.EFFECTS_APPLIED and case.outcome == "APPROVED"
    after = rim_selectors.residence_status_current(person_id=worker.pk)
    assert after.valid_until == dt.date(before.year + 1, before.month, before.day)
    assert after.reference == case.number
    # and the resolution is in her buzón, attached, and verifies on /verificar/
    resolution = case.acts.get(kind=CaseAct.Kind.RESOLUCION)
    assert resolution.notice.recipient_id == worker_user.pk and resolution.notice.attachment_id == resolution.document_id
    assert document_verify(resolution.document.code, actor=None, via="test").status == "VALID"
    # and her timeline shows every step
    assert list(case.events.values_list("to_status", flat=True)) == [
        S.FILED, S.IN_EVALUATION, S.OBSERVED, S.CORRECTED, S.IN_EVALUATION, S.RESOLVED, S.EFFECTS_APPLIED]


def test_a_double_submit_makes_one_case(worker_user, worker, bank_receipt):
    case = _draft_prorroga(worker_user, bank_receipt)
    first = services.case_submit(user=worker_user, case_id=case.pk, submit_key="same", actor=worker_user)
    second = services.case_submit(user=worker_user, case_id=case.pk, submit_key="same", actor=worker_user)
    third = services.case_submit(user=worker_user, case_id=case.pk, submit_key="other-tab", actor=worker_user)
    assert first.pk == second.pk == third.pk
    assert Case.objects.filter(applicant=worker_user).exclude(status=S.DRAFT).count() == 1
    assert Case.objects.get(pk=case.pk).events.filter(to_status=S.FILED).count() == 1


def test_nothing_is_filed_without_the_fee_the_documents_and_the_answers(worker_user, worker):
    case = services.case_draft_start(user=worker_user, procedure_code="PRORROGA_RESIDENCIA", actor=worker_user)
    with pytest.raises(ValidationFailed) as refused:
        services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    assert set(refused.value.fields) == {"motivo", "pasaporte", "sustento", "payment"}
    assert Case.objects.get(pk=case.pk).status == S.DRAFT


def test_an_upload_is_judged_by_its_bytes_and_nothing_half_stored(worker_user, worker):
    case = services.case_draft_start(user=worker_user, procedure_code="PRORROGA_RESIDENCIA", actor=worker_user)
    with pytest.raises(UnsupportedMediaType):
        services.case_file_add(user=worker_user, case_id=case.pk, key="sustento", name="contrato.pdf",
                               data=b"MZ\x90\x00" + b"\x00" * 200, actor=worker_user)
    with pytest.raises(ValidationFailed) as too_many:
        services.case_file_add(user=worker_user, case_id=case.pk, key="pasaporte", name="pasaporte.pdf",
                               data=pdf_bytes(5), actor=worker_user)
    assert "pasaporte.pdf" in str(too_many.value.fields.get("pasaporte", "")) + too_many.value.message
    assert case.files.count() == 0


def test_the_contracts_permit_is_free_automatic_and_recorded_in_the_rim(visitor, office):
    from .conftest import account

    user = account(visitor)
    case = services.case_draft_start(user=user, procedure_code="PERMISO_FIRMAR_CONTRATOS", actor=user)
    services.case_draft_save(user=user, case_id=case.pk, data={"contraparte": "Inmobiliaria Los Olivos SAC"},
                             actor=user)
    services.case_submit(user=user, case_id=case.pk, submit_key="pefc", actor=user)
    case.refresh_from_db()
    # then: decided at once (eager tasks stand for the worker here), a 30-day permit in the RIM and a PDF
    assert case.status == S.EFFECTS_APPLIED and case.outcome == "APPROVED"
    permit = rim_selectors.permits_in_force(person_id=visitor.pk, kind=Permit.Kind.FIRMA_CONTRATOS).get()
    assert (permit.valid_until - permit.valid_from).days == 29 and permit.reference == case.number
    act = case.acts.get(kind=CaseAct.Kind.PERMISO)
    assert act.notice.recipient_id == user.pk and act.document.facts["valid_until"] == permit.valid_until.isoformat()
    # and a second one while it is in force is refused with the reason
    with pytest.raises(PermissionDenied) as refused:
        services.case_draft_start(user=user, procedure_code="PERMISO_FIRMAR_CONTRATOS", actor=user)
    assert "Ya tiene un permiso vigente" in refused.value.message


def test_the_movement_certificate_lists_every_entry_and_exit(visitor, bank_receipt):
    from .conftest import account

    user = account(visitor)
    case = services.case_draft_start(user=user, procedure_code="CERTIFICADO_MOVIMIENTO_MIGRATORIO", actor=user)
    number, date = bank_receipt(amount="15.10", fee_code="07561", payer="AV1234567")
    services.case_pay_receipt(user=user, case_id=case.pk, receipt_number=number, payment_date=date, actor=user)
    services.case_submit(user=user, case_id=case.pk, submit_key="cert", actor=user)
    case.refresh_from_db()
    assert case.status == S.EFFECTS_APPLIED
    certificate = case.acts.get(kind=CaseAct.Kind.CERTIFICADO).document
    assert certificate.kind == "CERTIFICADO_MOVIMIENTO" and document_verify(certificate.code, actor=None,
                                                                           via="test").status == "VALID"
    assert case.events.filter(to_status=S.EFFECTS_APPLIED).exists()


def test_especial_residente_waits_for_the_police_and_needs_a_second_officer(
        cpp_holder, cpp_user, office, officers, bank_receipt, external_systems):
    evaluator, reviewer = officers
    # given: the PNP does not answer while the case is filed
    external_systems.fault("pnp", mode="error", status=503)
    case = services.case_draft_start(user=cpp_user, procedure_code="CAMBIO_CALIDAD_ESPECIAL_RESIDENTE",
                                     actor=cpp_user)
    for key in ("pasaporte", "antecedentes_pais"):
        services.case_file_add(user=cpp_user, case_id=case.pk, key=key, name=f"{key}.pdf", data=pdf_bytes(1),
                               actor=cpp_user)
    number, date = bank_receipt(amount="40.60", fee_code="07568", payer="000987654")
    services.case_pay_receipt(user=cpp_user, case_id=case.pk, receipt_number=number, payment_date=date,
                              actor=cpp_user)
    services.case_submit(user=cpp_user, case_id=case.pk, submit_key="er", actor=cpp_user)
    case.refresh_from_db()
    # then: the case waits visibly, and cannot be approved without the check
    assert case.checks_pending and case.checks["PNP"]["status"] == "PENDING"
    services.case_take(actor=evaluator, case_id=case.pk)
    with pytest.raises(Conflict) as refused:
        services.case_resolve(actor=evaluator, case_id=case.pk, outcome="APPROVED", text="")
    assert "Consulta pendiente" in refused.value.message
    # when: the PNP answers again and the beat asks once more
    external_systems.clear_faults()
    from tramites.tasks import case_checks_resume_task

    assert case_checks_resume_task() == 1
    case.refresh_from_db()
    assert not case.checks_pending and services.checks_state(case) == "clear"
    # when: the evaluator drafts the approval; she cannot issue it herself
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="APPROVED", text="Sin antecedentes.")
    with pytest.raises(Conflict):
        services.case_resolution_confirm(actor=evaluator, case_id=case.pk)
    assert rim_selectors.residence_status_current(person_id=cpp_holder.pk).calidad == "CPP"
    # then: another officer issues it, the calidad changes and a carné is to be issued
    services.case_resolution_confirm(actor=reviewer, case_id=case.pk)
    case.refresh_from_db()
    status = rim_selectors.residence_status_current(person_id=cpp_holder.pk)
    assert case.status == S.EFFECTS_APPLIED and case.approved_by == reviewer and case.resolved_by == evaluator
    assert status.calidad == "ESPECIAL_RESIDENTE" and status.reference == case.number
    assert CarneRequest.objects.get(case=case).reason == CarneRequest.Reason.NEW_CALIDAD


def test_an_officer_of_another_sede_cannot_touch_the_case(worker_user, worker, bank_receipt, office):
    from cuentas.models import Office

    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    elsewhere = officer(Office.objects.create(code="CUSCO", name="Sede Cusco", address="Av. Sol 1", city="Cusco"))
    with pytest.raises(PermissionDenied):
        services.case_take(actor=elsewhere, case_id=case.pk)
    with pytest.raises(Exception):
        selectors.case_for_officer(case.pk, actor=elsewhere)
    assert Case.objects.get(pk=case.pk).status == S.FILED


def test_an_observation_not_answered_in_time_makes_it_not_filed_with_the_refund(
        worker_user, worker, officers, bank_receipt):
    evaluator, _ = officers
    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    observation = services.case_observe(actor=evaluator, case_id=case.pk, text="Falta la firma.",
                                        documents=["sustento"], term_business_days=2)
    # given: she opens the notice today (it is notified today) and does nothing
    from buzon.models import Casilla  # noqa: F401  (no casilla: the notice waits for her acknowledgement)
    Notice.objects.filter(pk=observation.notice_id).update(acknowledged_at=timezone.now())
    deadline = services.observation_deadline(Case.objects.get(pk=case.pk).observations.get())
    # when: the beat runs on the deadline, then after it, twice
    assert services.cases_deadlines_apply(today=deadline)["not_filed"] == 0
    first = services.cases_deadlines_apply(today=deadline + dt.timedelta(days=1))
    second = services.cases_deadlines_apply(today=deadline + dt.timedelta(days=1))
    # then: the case is not filed and the fee refunded once; the second run changed nothing
    case.refresh_from_db()
    assert case.status == S.NOT_FILED and first["not_filed"] == 1 and second["not_filed"] == 0
    payment = Payment.objects.get(purpose_kind="tramites.expediente", purpose_id=str(case.pk))
    assert payment.status == Payment.Status.REFUNDED and payment.refunds.count() == 1


def test_positive_silence_approves_when_the_term_passes_and_runs_once(worker_user, worker, bank_receipt):
    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    case.refresh_from_db()
    before = rim_selectors.residence_status_current(person_id=worker.pk).valid_until
    assert services.cases_deadlines_apply(today=case.due_on)["silence"] == 0
    assert services.cases_deadlines_apply(today=case.due_on + dt.timedelta(days=1))["silence"] == 1
    assert services.cases_deadlines_apply(today=case.due_on + dt.timedelta(days=1))["silence"] == 0
    case.refresh_from_db()
    assert case.status == S.EFFECTS_APPLIED and case.outcome == "APPROVED_BY_SILENCE"
    assert rim_selectors.residence_status_current(person_id=worker.pk).valid_until > before
    assert "silencio administrativo positivo" in case.resolution_text


def test_a_denial_is_notified_then_may_be_appealed_within_15_business_days_then_final(
        worker_user, worker, officers, bank_receipt):
    evaluator, _ = officers
    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    services.case_take(actor=evaluator, case_id=case.pk)
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="DENIED", text="El contrato venció.")
    case.refresh_from_db()
    assert case.status == S.RESOLVED
    notice = case.acts.get(kind=CaseAct.Kind.RESOLUCION).notice
    # when: she acknowledges the notice; the beat records the notification
    Notice.objects.filter(pk=notice.pk).update(acknowledged_at=timezone.now())
    services.cases_deadlines_apply()
    case.refresh_from_db()
    assert case.status == S.NOTIFIED and case.notified_on == timezone.localdate()
    # then: after 15 business days without appeal the resolution is final (and only then)
    last_day = services.appeal_deadline(case)
    assert services.cases_deadlines_apply(today=last_day)["final"] == 0
    assert services.cases_deadlines_apply(today=last_day + dt.timedelta(days=1))["final"] == 1
    case.refresh_from_db()
    assert case.status == S.FINAL
    with pytest.raises(Conflict) as late:
        services.case_appeal(user=worker_user, case_id=case.pk, text="No estoy de acuerdo", actor=worker_user)
    assert late.value.status == 409 and Case.objects.get(pk=case.pk).status == S.FINAL


def test_an_appeal_within_the_term_sends_the_case_back_to_an_officer(worker_user, worker, officers, bank_receipt):
    evaluator, _ = officers
    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="DENIED", text="Falta el contrato.")
    Notice.objects.filter(pk=case.acts.get(kind=CaseAct.Kind.RESOLUCION).notice_id).update(acknowledged_at=timezone.now())
    services.case_appeal(user=worker_user, case_id=case.pk, text="Adjunté el contrato vigente.", actor=worker_user)
    case.refresh_from_db()
    assert case.status == S.APPEALED and case.outcome == ""
    # the officer may now decide it again
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="APPROVED", text="Reconsiderado.")
    case.refresh_from_db()
    assert case.status == S.EFFECTS_APPLIED


def test_withdrawal_closes_the_case_and_an_extension_is_granted_once(worker_user, worker, officers, bank_receipt):
    evaluator, _ = officers
    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    services.case_observe(actor=evaluator, case_id=case.pk, text="Falta la firma.", documents=[],
                          term_business_days=5)
    observation = services.case_extension_request(user=worker_user, case_id=case.pk, actor=worker_user)
    assert observation.extension_days == 30
    with pytest.raises(Conflict):
        services.case_extension_request(user=worker_user, case_id=case.pk, actor=worker_user)
    services.case_withdraw(user=worker_user, case_id=case.pk, reason="Me voy del país", actor=worker_user)
    assert Case.objects.get(pk=case.pk).status == S.WITHDRAWN


def test_a_duplicate_carne_cancels_the_old_one_in_the_rim(worker_user, worker, officers, bank_receipt):
    evaluator, _ = officers
    case = services.case_draft_start(user=worker_user, procedure_code="DUPLICADO_CARNE", actor=worker_user)
    services.case_draft_save(user=worker_user, case_id=case.pk, data={"motivo": "ROBO"}, actor=worker_user)
    services.case_file_add(user=worker_user, case_id=case.pk, key="denuncia", name="denuncia.pdf",
                           data=pdf_bytes(1), actor=worker_user)
    number, date = bank_receipt(amount="20.20", fee_code="07561", payer="001234567")
    services.case_pay_receipt(user=worker_user, case_id=case.pk, receipt_number=number, payment_date=date,
                              actor=worker_user)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="dup", actor=worker_user)
    services.case_resolve(actor=evaluator, case_id=case.pk, outcome="APPROVED", text="")
    carne = worker.documents.get(kind=IdentityDocument.Kind.CARNE_EXTRANJERIA)
    assert carne.status == IdentityDocument.Status.ROBADO
    assert CarneRequest.objects.get(case__pk=case.pk).reason == CarneRequest.Reason.DUPLICATE


def test_a_late_data_update_carries_the_fine_of_one_percent_uit_a_month(worker_user, worker):
    case = services.case_draft_start(user=worker_user, procedure_code="ACTUALIZACION_DATOS", actor=worker_user)
    services.case_draft_save(user=worker_user, case_id=case.pk, data={
        "campo": "second_surname", "valor": "Restrepo de Ruiz", "fecha_cambio": days(-100).isoformat()},
        actor=worker_user)
    lines = services.amounts_due(Case.objects.get(pk=case.pk))
    # 100 days after the change, 70 past the 30-day term: three months begun, 1 % of S/ 5,500 each
    assert [(line["procedure"], str(line["amount"]), line["units"]) for line in lines] == [
        ("ACTUALIZACION_DATOS", "20.20", 1), ("MULTA_ACTUALIZACION_DATOS", "165.00", 3)]


def test_a_supervisor_assigns_a_case_to_an_officer_of_the_sede_and_an_officer_cannot(
        worker_user, worker, office, officers, bank_receipt):
    evaluator, other = officers
    supervisor = officer(office, role="supervisor")
    case = _draft_prorroga(worker_user, bank_receipt)
    services.case_submit(user=worker_user, case_id=case.pk, submit_key="k", actor=worker_user)
    services.case_assign(actor=supervisor, case_id=case.pk, officer_id=other.pk)
    assert Case.objects.get(pk=case.pk).assigned_to == other
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=evaluator, case_id=case.pk, officer_id=evaluator.pk)
    with pytest.raises(ValidationFailed):
        services.case_assign(actor=supervisor, case_id=case.pk, officer_id=worker_user.pk)
    assert Case.objects.get(pk=case.pk).assigned_to == other
