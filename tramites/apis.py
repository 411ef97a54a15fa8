"""REST API of the Agencia Digital for the applicant's app and partner channels (docs/API_TRAMITES.md).

The catalogue and eligibility, tying the account to the RIM record, a case from its draft to its filing
(answers, files, payment, submit), its status, the answer to an observation and its extension, the
reconsideración, withdrawal and the case's notices. One view per operation; each calls one service or
selector of tramites, which check that the case is the caller's own (404 otherwise) and audit every read;
a reply that shows the case reads it again through `selectors.case_own`. Signed in as on the pages (the
session, with its CSRF token): the project has no token scheme for people.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from buzon import selectors as buzon_selectors
from buzon.apis import NoticeOutput
from core.errors import ApplicationError, NotFound, ValidationFailed
from cuentas.permissions import has_role
from cuentas.roles import CITIZEN, FOREIGNER
from cuentas.throttling import request_throttle
from documentos.codes import code_display
from documentos.qr import verification_url
from pagos.selectors import fee_amount, fee_for

from . import selectors, services, uploads
from .acts import RECORD_KIND
from .catalogue import MAX_FILE_BYTES, ProcedureSpec
from .models import Case
from .stages import stages_of

APPLICANT = has_role(CITIZEN, FOREIGNER)
S = Case.Status
UPLOAD_FIELD = "file"
IDEMPOTENCY_HEADER = "Idempotency-Key"
CASE_ID = OpenApiParameter("case_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="El id del expediente.")


class ApplicantWorkThrottle(BaseThrottle):
    """The operations that cost the server work (rules over the RIM, a PDF parsed, the bank asked, a
    constancia signed): counted per client address and per account (THROTTLE_RATES tramites_api_*)."""

    def allow_request(self, request, view) -> bool:
        request_throttle(request, address_scope="tramites_api_ip",
                         keyed={"tramites_api_user": str(getattr(request.user, "pk", "") or "")})
        return True


class LinkThrottle(BaseThrottle):
    """Four data to guess: the page's limits, per address and per account (tramites_link_*)."""

    def allow_request(self, request, view) -> bool:
        request_throttle(request, address_scope="tramites_link_ip", keyed={"tramites_link_user": str(request.user.pk)})
        return True


class _ApplicantApi(APIView):
    permission_classes = [APPLICANT]

    def valid_input(self, request) -> dict:
        """The request body checked by the view's InputSerializer (400 in the API's shape otherwise)."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class _ApplicantWorkApi(_ApplicantApi):
    throttle_classes = [ApplicantWorkThrottle]


# ---- shapes shared by several replies -------------------------------------------------------------

class ErrorOutput(serializers.Serializer):
    """The API's one error shape (migraciones/exceptions.py)."""

    error = serializers.CharField(help_text="validation_failed, forbidden, not_found, conflict, payload_too_large ...")
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField(), required=False)


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


def _procedure(entry: selectors.CatalogueEntry, *, personal: bool) -> dict:
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

    class FileOutput(serializers.Serializer):
        key = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.CharField()
        size = serializers.IntegerField()
        pages = serializers.IntegerField(allow_null=True)
        sha256 = serializers.CharField()
        uploaded_at = serializers.DateTimeField()

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
    files = FileOutput(many=True)
    events = EventOutput(many=True)
    appeal_deadline = serializers.DateField(allow_null=True)
    negative_silence = serializers.BooleanField()


def _case_status(case: Case) -> dict:
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


def _status_reply(request, case_id: int, *, status: int = 200) -> Response:
    case = selectors.case_own(request.user, case_id, actor=request.user)
    return Response(CaseStatusOutput(_case_status(case)).data, status=status)


# ---- catalogue and eligibility --------------------------------------------------------------------

class ProcedureListApi(APIView):
    """GET: every procedure offered, with what it needs; signed in and linked to the RIM, also whether the
    caller may file each one and, when not, the reason (the read of their eligibility is audited)."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        linked = serializers.BooleanField(help_text="La cuenta está vinculada a un registro migratorio.")
        procedures = ProcedureOutput(many=True)

    @extend_schema(operation_id="tramites_procedures_list")
    def get(self, request):
        person = services.applicant_person(request.user)
        entries = selectors.catalogue(person=person, actor=request.user if person is not None else None)
        return Response(self.OutputSerializer({
            "linked": person is not None,
            "procedures": [_procedure(e, personal=person is not None) for e in entries]}).data)


class ProcedureEligibilityApi(_ApplicantWorkApi):
    """GET: whether the caller may file this procedure now, and the reason when not."""

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        eligible = serializers.BooleanField()
        reason = serializers.CharField(allow_null=True)

    @extend_schema(operation_id="tramites_procedure_eligibility")
    def get(self, request, code: str):
        person = services.applicant_person(request.user)
        entries = selectors.catalogue(person=person, actor=request.user)
        entry = next((e for e in entries if e.spec.code == code), None)
        if entry is None:
            raise NotFound(_("Ese trámite no existe o ya no se ofrece."), fields={"procedure": code})
        reason = entry.reason if person is not None else _("Vincule primero su cuenta con su registro migratorio.")
        return Response(self.OutputSerializer({"code": code, "eligible": reason is None, "reason": reason}).data)


class ApplicantLinkApi(_ApplicantApi):
    """POST: tie the caller's account to their migratory record, proving it as the Agencia Digital asks
    (document, birth date, nationality, date of the last entry; a verified e-mail). A mismatch says only
    that the data do not match."""

    throttle_classes = [LinkThrottle]

    class InputSerializer(serializers.Serializer):
        document_type = serializers.ChoiceField(choices=["CE", "CPP", "PTP", "PASAPORTE"])
        document_number = serializers.CharField(max_length=20)
        birth_date = serializers.DateField()
        nationality = serializers.CharField(min_length=3, max_length=3, help_text="Código de tres letras (ICAO).")
        last_entry_date = serializers.DateField()

    class OutputSerializer(serializers.Serializer):
        linked = serializers.BooleanField()

    @extend_schema(operation_id="tramites_applicant_link", responses={
        200: OutputSerializer, 400: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput, 429: ErrorOutput})
    def post(self, request):
        services.applicant_link(user=request.user, actor=request.user, **self.valid_input(request))
        return Response(self.OutputSerializer({"linked": True}).data)


# ---- the caller's cases ---------------------------------------------------------------------------

class CaseListApi(_ApplicantApi):
    """GET: the caller's cases, newest first (the read is audited)."""

    class OutputSerializer(serializers.Serializer):
        cases = CaseSummaryOutput(many=True)

    @extend_schema(operation_id="tramites_cases_list")
    def get(self, request):
        return Response(self.OutputSerializer({"cases": selectors.cases_of(request.user, actor=request.user)}).data)


class CaseCreateApi(_ApplicantWorkApi):
    """POST: a draft of the procedure (201), or the draft the caller already keeps for it (200); 403 with the
    reason when they may not file it."""

    class InputSerializer(serializers.Serializer):
        procedure = serializers.CharField(max_length=60)
        office = serializers.IntegerField(required=False, min_value=1, help_text="El id de la sede (opcional).")

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_create", responses={
        200: CaseStatusOutput, 201: CaseStatusOutput, 403: ErrorOutput, 404: ErrorOutput})
    def post(self, request):
        data = self.valid_input(request)
        started = timezone.now()
        case = services.case_draft_start(user=request.user, procedure_code=data["procedure"],
                                         office_id=data.get("office"), actor=request.user)
        return _status_reply(request, case.pk, status=201 if case.created_at >= started else 200)


class CaseStatusApi(_ApplicantApi):
    """GET: the caller's case with its stages, expected date, place in the queue, acts with their
    verification codes, observation and its deadline (404 for anyone else's case)."""

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_status", parameters=[CASE_ID])
    def get(self, request, case_id: int):
        return _status_reply(request, case_id)


class CaseAnswersSaveApi(_ApplicantApi):
    """PATCH: keep the answers given (merged with the ones kept); 400 names the wrong ones, which are kept too."""

    class InputSerializer(serializers.Serializer):
        answers = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=4000),
                                        help_text="Las respuestas por clave del campo (ver el catálogo).")

    class OutputSerializer(serializers.Serializer):
        answers = serializers.DictField()

    @extend_schema(operation_id="tramites_case_answers_save", parameters=[CASE_ID])
    def patch(self, request, case_id: int):
        data = self.valid_input(request)
        case = services.case_draft_save(user=request.user, case_id=case_id, data=data["answers"],
                                        actor=request.user)
        return Response(self.OutputSerializer({"answers": case.form_data}).data)


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file part of a multipart body (drf-spectacular calls a FileField a URI unless told it is binary)."""


class CaseFileUploadApi(_ApplicantWorkApi):
    """POST multipart/form-data with the file in `file`: checked from its bytes and kept as the case's
    document `key` (replacing the one given before). 413 over 3 MB (refused before the body is read),
    415 for a type the document does not take, 400 naming the file when it is damaged or encrypted."""

    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = UploadField(help_text="PDF, JPG o PNG según el documento; 3 MB como máximo.")

    class OutputSerializer(serializers.Serializer):
        key = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.CharField()
        size = serializers.IntegerField()
        pages = serializers.IntegerField(allow_null=True)
        sha256 = serializers.CharField()
        uploaded_at = serializers.DateTimeField()

    def initial(self, request, *args, **kwargs):
        # Before the session's CSRF check reads the body: the declared length, then a handler that
        # stops a file passing 3 MB while it streams.
        if request.method == "POST":
            self._limit = uploads.upload_limits_install(request._request, limits={UPLOAD_FIELD: MAX_FILE_BYTES})
        super().initial(request, *args, **kwargs)

    @extend_schema(operation_id="tramites_case_file_upload", parameters=[CASE_ID], responses={
        201: OutputSerializer, 400: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput, 413: ErrorOutput,
        415: ErrorOutput})
    def post(self, request, case_id: int, key: str):
        uploaded = request.FILES.get(UPLOAD_FIELD)  # parsed here (unless the CSRF check did), within the limit
        stopped = uploads.upload_limits_error(self._limit)
        if stopped is not None:
            raise stopped
        if uploaded is None:
            raise ValidationFailed(_("Elija un archivo."), fields={UPLOAD_FIELD: _("Elija un archivo.")})
        row = services.case_file_add(user=request.user, case_id=case_id, key=key, name=uploaded.name or "",
                                     data=uploaded.read(), actor=request.user)
        return Response(self.OutputSerializer(row).data, status=201)


# ---- payment --------------------------------------------------------------------------------------

# What is paid: the procedure's fee, or the late fine (actualización de datos).
CONCEPTS = {"fee": services.PAYMENT_PURPOSE, "fine": services.FINE_PURPOSE}


def _concept_field():
    return serializers.ChoiceField(choices=list(CONCEPTS), default="fee",
                                   help_text="fee: la tasa del trámite; fine: la multa por actualización tardía.")


class CasePaymentReceiptApi(_ApplicantWorkApi):
    """POST: a receipt paid at a Banco de la Nación window for the case's fee (or its late fine); the bank
    checks code, amount, payer document and date. PENDING when the bank did not answer (re-checked later)."""

    class InputSerializer(serializers.Serializer):
        receipt_number = serializers.CharField(max_length=20, help_text="El número de operación del comprobante.")
        payment_date = serializers.DateField()
        concept = _concept_field()

    OutputSerializer = PaymentOutput

    @extend_schema(operation_id="tramites_case_pay_receipt", parameters=[CASE_ID], responses={201: PaymentOutput})
    def post(self, request, case_id: int):
        data = self.valid_input(request)
        payment = services.case_pay_receipt(
            user=request.user, case_id=case_id, actor=request.user, purpose=CONCEPTS[data["concept"]],
            receipt_number=data["receipt_number"], payment_date=data["payment_date"])
        return Response(self.OutputSerializer(payment).data, status=201)


class CasePaymentOrderApi(_ApplicantWorkApi):
    """POST: an order at the bank's payment page (`pay_url`); the bank notifies the portal when it is paid."""

    class InputSerializer(serializers.Serializer):
        concept = _concept_field()

    OutputSerializer = PaymentOutput

    @extend_schema(operation_id="tramites_case_pay_order", parameters=[CASE_ID], responses={201: PaymentOutput})
    def post(self, request, case_id: int):
        data = self.valid_input(request)
        payment = services.case_pay_order(
            user=request.user, case_id=case_id, actor=request.user, purpose=CONCEPTS[data["concept"]],
            notify_url=settings.SITE_URL + reverse("pagos_api:payment_notification"),
            return_url=settings.SITE_URL + reverse("tramites:case", args=[case_id]))
        return Response(self.OutputSerializer(payment).data, status=201)


# ---- submit and after -----------------------------------------------------------------------------

def submit_key_for(user, case_id: int, client_key: str) -> str:
    """The key kept on the case for a client's idempotency key: scoped to the account and the case, so two
    clients choosing the same key never meet, and a retried submit of this case finds its filing."""
    client_key = (client_key or "").strip()
    if not client_key:
        return ""
    return "api-" + hashlib.sha256(f"{user.pk}\0{case_id}\0{client_key}".encode()).hexdigest()[:56]


class CaseSubmitApi(_ApplicantWorkApi):
    """POST: file the draft (a case number, the legal term, the constancia). Send an idempotency key, in
    the `Idempotency-Key` header or as `submit_key`: a retried submit with it answers the same case (200),
    never a second filing. 400 names what is missing; 403 says why the caller may not file it."""

    class InputSerializer(serializers.Serializer):
        submit_key = serializers.CharField(required=False, max_length=128,
                                           help_text="La clave de idempotencia, si no va en la cabecera.")

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_submit", parameters=[CASE_ID, OpenApiParameter(
        IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
        description="Una clave única por presentación (por ejemplo, un UUID).")],
        responses={200: CaseStatusOutput, 400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput, 409: ErrorOutput})
    def post(self, request, case_id: int):
        data = self.valid_input(request)
        client_key = request.headers.get(IDEMPOTENCY_HEADER, "")[:128] or data.get("submit_key", "")
        if not client_key.strip():
            raise ValidationFailed(_("Falta la clave de envío."), fields={
                "submit_key": _("Envíe la cabecera Idempotency-Key o el campo submit_key.")})
        case = services.case_submit(user=request.user, case_id=case_id, actor=request.user,
                                    submit_key=submit_key_for(request.user, case_id, client_key))
        return _status_reply(request, case.pk)


class CaseCorrectApi(_ApplicantApi):
    """POST: the answer to the observation (upload the documents it names first); the evaluation resumes."""

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=4000)

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_correct", parameters=[CASE_ID])
    def post(self, request, case_id: int):
        services.case_correct(user=request.user, case_id=case_id, answer=self.valid_input(request)["answer"],
                              actor=request.user)
        return _status_reply(request, case_id)


class CaseExtensionRequestApi(_ApplicantApi):
    """POST (no body): the one 30-day extension to answer the observation, where the procedure allows it."""

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_extension_request", parameters=[CASE_ID], request=None)
    def post(self, request, case_id: int):
        services.case_extension_request(user=request.user, case_id=case_id, actor=request.user)
        return _status_reply(request, case_id)


class CaseAppealApi(_ApplicantApi):
    """POST: a reconsideración against an adverse resolution within 15 business days of its notification
    (`appeal_deadline` in the status), or when the term passed undecided under negative silence."""

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=4000)

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_appeal", parameters=[CASE_ID])
    def post(self, request, case_id: int):
        services.case_appeal(user=request.user, case_id=case_id, text=self.valid_input(request)["text"],
                             actor=request.user)
        return _status_reply(request, case_id)


class CaseWithdrawApi(_ApplicantApi):
    """POST: the caller withdraws (desistimiento) with a reason; the case is closed."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_withdraw", parameters=[CASE_ID])
    def post(self, request, case_id: int):
        services.case_withdraw(user=request.user, case_id=case_id, reason=self.valid_input(request)["reason"],
                               actor=request.user)
        return _status_reply(request, case_id)


class CaseNoticeListApi(_ApplicantApi):
    """GET: the buzón's notices of this case (observation, resolution, permit ...), newest first; open one
    with GET /api/v1/buzon/notificaciones/<id>/ (that records the read)."""

    class OutputSerializer(serializers.Serializer):
        notices = NoticeOutput(many=True)

    @extend_schema(operation_id="tramites_case_notices", parameters=[CASE_ID])
    def get(self, request, case_id: int):
        case = selectors.case_own(request.user, case_id, actor=request.user)
        notices = buzon_selectors.notices_for_record(record_kind=RECORD_KIND, record_id=case.pk)
        return Response(self.OutputSerializer({"notices": notices.order_by("-deposited_at", "-id")}).data)
