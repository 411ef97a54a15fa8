"""The replies' shapes: a procedure of the catalogue, a payment, a case and its status."""
from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response

from core.errors import ApplicationError
from documentos.codes import code_display
from documentos.qr import verification_url
from pagos.selectors import fee_amount, fee_for

from .. import selectors, services
from ..catalogue import MAX_FILE_BYTES, ProcedureSpec
from ..models import Case
from ..stages import stages_of

S = Case.Status


class ChoiceOutput(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FieldOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["text", "date", "integer", "choice"])
    required = serializers.BooleanField()
    choices = ChoiceOutput(many=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    max_length = serializers.IntegerField()


class DocumentOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    accept = serializers.ListField(child=serializers.CharField())
    max_pages = serializers.IntegerField(allow_null=True)
    max_bytes = serializers.IntegerField()
    required = serializers.BooleanField()
    translation = serializers.BooleanField()
    apostille = serializers.BooleanField()


class ProcedureOutput(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()
    summary = serializers.CharField()
    fee_code = serializers.CharField(allow_blank=True)
    fee_amount = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    evaluation = serializers.ChoiceField(choices=["AUTOMATIC", "PRIOR"])
    term_business_days = serializers.IntegerField()
    silence = serializers.ChoiceField(choices=["POSITIVE", "NEGATIVE"])
    extension_allowed = serializers.BooleanField()
    unconfirmed = serializers.ListField(child=serializers.CharField())
    documents = DocumentOutput(many=True)
    fields = FieldOutput(many=True)
    available = serializers.BooleanField(allow_null=True)
    reason = serializers.CharField(allow_null=True)


def _fee(spec: ProcedureSpec):
    if not spec.fee:
        return None
    try:
        return fee_amount(fee_for(spec.fee))
    except ApplicationError:
        return None  # a fee not loaded for today: the catalogue still lists the procedure


def procedure_shape(entry: selectors.CatalogueEntry, *, personal: bool) -> dict:
    spec = entry.spec
    return {
        "code": spec.code, "version": entry.procedure.version, "name": spec.name, "summary": spec.summary,
        "fee_code": spec.fee, "fee_amount": _fee(spec), "evaluation": spec.evaluation,
        "term_business_days": spec.term_business_days, "silence": spec.silence,
        "extension_allowed": spec.extension_allowed, "unconfirmed": list(spec.unconfirmed),
        "documents": [{"key": d.key, "label": d.label, "accept": list(d.accept), "max_pages": d.max_pages,
                       "max_bytes": MAX_FILE_BYTES, "required": d.required, "translation": d.translation,
                       "apostille": d.apostille} for d in spec.documents],
        "fields": [{"key": f.key, "label": f.label, "type": f.type, "required": f.required,
                    "choices": [{"value": c.value, "label": c.label} for c in f.choices], "min": f.min,
                    "max": f.max, "max_length": f.max_length} for f in spec.fields],
        "available": (entry.reason is None) if personal else None, "reason": entry.reason,
    }


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.CharField(source="purpose_kind")
    method = serializers.CharField()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    receipt_number = serializers.CharField(allow_null=True)
    order_id = serializers.CharField(allow_null=True)
    pay_url = serializers.CharField(allow_blank=True)


class CaseSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    procedure = serializers.CharField(source="procedure.code")
    procedure_version = serializers.IntegerField(source="procedure.version")
    created_at = serializers.DateTimeField()
    filed_at = serializers.DateTimeField(allow_null=True)


class CaseFileOutput(serializers.Serializer):
    """A file kept for one of the case's documents, with the hash it is stored under."""

    key = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    pages = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class CaseStatusOutput(CaseSummaryOutput):
    """The case as its page shows it: the stages, the expected date, the queue, the acts and the observation."""

    class StageOutput(serializers.Serializer):
        label = serializers.CharField()
        state = serializers.ChoiceField(choices=["done", "current", "todo"])

    class ActOutput(serializers.Serializer):
        kind = serializers.CharField()
        kind_label = serializers.CharField()
        code = serializers.CharField(allow_null=True, help_text="El código de verificación (XXXX-XXXX-XXXX-XXXX).")
        verify_url = serializers.CharField(allow_null=True)
        issued_at = serializers.DateTimeField(allow_null=True)
        notice_id = serializers.IntegerField(allow_null=True)

    class ObservationOutput(serializers.Serializer):
        kind = serializers.CharField()
        text = serializers.CharField()
        documents = serializers.ListField(child=serializers.CharField())
        term_business_days = serializers.IntegerField()
        extension_days = serializers.IntegerField()
        deadline = serializers.DateField(allow_null=True)
        answered_at = serializers.DateTimeField(allow_null=True)
        notice_id = serializers.IntegerField(allow_null=True)

    class AmountOutput(serializers.Serializer):
        purpose = serializers.CharField()
        procedure = serializers.CharField()
        amount = serializers.DecimalField(max_digits=9, decimal_places=2)
        units = serializers.IntegerField()
        paid = serializers.BooleanField()

    class EventOutput(serializers.Serializer):
        transition = serializers.CharField()
        status = serializers.CharField(source="to_status")
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    office = serializers.CharField(source="office.code")
    outcome = serializers.CharField(allow_blank=True)
    outcome_label = serializers.CharField(allow_blank=True)
    resolution_text = serializers.CharField(allow_blank=True)
    expected_resolution_on = serializers.DateField(allow_null=True, help_text="El último día del plazo legal.")
    business_days_left = serializers.IntegerField(allow_null=True)
    queue_position = serializers.IntegerField(allow_null=True)
    checks_pending = serializers.BooleanField()
    payment = serializers.ChoiceField(choices=["free", "paid", "pending", "due"])
    amounts_due = AmountOutput(many=True)
    answers = serializers.DictField()
    problems = serializers.DictField(child=serializers.CharField(),
                                     help_text="Lo que falta para presentar el borrador, por campo.")
    stages = StageOutput(many=True)
    acts = ActOutput(many=True)
    observation = ObservationOutput(allow_null=True)
    files = CaseFileOutput(many=True)
    events = EventOutput(many=True)
    appeal_deadline = serializers.DateField(allow_null=True)
    negative_silence = serializers.BooleanField()


def case_status_shape(case: Case) -> dict:
    """The status reply of a case already read through selectors.case_own (audited)."""
    observation = case.observations.order_by("-created_at").first()
    acts = []
    for act in case.acts.select_related("document"):
        document = act.document
        acts.append({"kind": act.kind, "kind_label": act.get_kind_display(),
                     "code": code_display(document.code) if document else None,
                     "verify_url": verification_url(document.code) if document else None,
                     "issued_at": document.issued_at if document else None, "notice_id": act.notice_id})
    lines = services.amounts_due(case)
    return {
        "id": case.pk, "number": case.number, "status": case.status, "get_status_display": case.get_status_display(),
        "procedure": case.procedure, "created_at": case.created_at, "filed_at": case.filed_at, "office": case.office,
        "outcome": case.outcome, "outcome_label": case.get_outcome_display() if case.outcome else "",
        "resolution_text": case.resolution_text, "expected_resolution_on": case.due_on,
        "business_days_left": selectors.business_days_left(case), "queue_position": selectors.queue_position(case),
        "checks_pending": case.checks_pending, "payment": services.payment_state(case),
        "amounts_due": [{"purpose": line["purpose"], "procedure": line["procedure"], "amount": line["amount"],
                         "units": line["units"], "paid": line["payment"] is not None} for line in lines],
        "answers": case.form_data,
        "problems": services.submission_problems(case) if case.status == S.DRAFT else {},
        "stages": [{"label": str(stage.label), "state": stage.state} for stage in stages_of(case)]
        if case.status != S.DRAFT else [],
        "acts": acts,
        "observation": None if observation is None else {
            "kind": observation.kind, "text": observation.text, "documents": observation.documents,
            "term_business_days": observation.term_business_days, "extension_days": observation.extension_days,
            "deadline": services.observation_deadline(observation), "answered_at": observation.answered_at,
            "notice_id": observation.notice_id},
        "files": case.files.filter(replaced=False),
        "events": case.events.all(),
        "appeal_deadline": services.appeal_deadline(case),
        "negative_silence": services.negative_silence_applies(case),
    }


def status_reply(request, case_id: int, *, status: int = 200) -> Response:
    case = selectors.case_own(request.user, case_id, actor=request.user)
    return Response(CaseStatusOutput(case_status_shape(case)).data, status=status)
