"""The caller's cases: a draft, its answers and files, payment, submit, and the steps after filing."""
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
from rest_framework.response import Response

from buzon import selectors as buzon_selectors
from buzon.apis import NoticeOutput
from core.errors import ValidationFailed

from .. import selectors, services, uploads
from ..acts import RECORD_KIND
from ..catalogue import MAX_FILE_BYTES
from .base import CASE_ID, IDEMPOTENCY_HEADER, UPLOAD_FIELD, ApplicantApi, ApplicantWorkApi, ErrorOutput
from .shapes import CaseFileOutput, CaseStatusOutput, CaseSummaryOutput, PaymentOutput, status_reply


class CaseListApi(ApplicantApi):
    """GET: the caller's cases, newest first (the read is audited)."""

    class OutputSerializer(serializers.Serializer):
        cases = CaseSummaryOutput(many=True)

    @extend_schema(operation_id="tramites_cases_list")
    def get(self, request):
        return Response(self.OutputSerializer({"cases": selectors.cases_of(request.user, actor=request.user)}).data)


class CaseCreateApi(ApplicantWorkApi):
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
        return status_reply(request, case.pk, status=201 if case.created_at >= started else 200)


class CaseStatusApi(ApplicantApi):
    """GET: the caller's case with its stages, expected date, place in the queue, acts with their
    verification codes, observation and its deadline (404 for anyone else's case)."""

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_status", parameters=[CASE_ID])
    def get(self, request, case_id: int):
        return status_reply(request, case_id)


class CaseAnswersSaveApi(ApplicantApi):
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


class CaseFileUploadApi(ApplicantWorkApi):
    """POST multipart/form-data with the file in `file`: checked from its bytes and kept as the case's
    document `key` (replacing the one given before). 413 over 3 MB (refused before the body is read),
    415 for a type the document does not take, 400 naming the file when it is damaged or encrypted."""

    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = UploadField(help_text="PDF, JPG o PNG según el documento; 3 MB como máximo.")

    OutputSerializer = CaseFileOutput

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


class CasePaymentReceiptApi(ApplicantWorkApi):
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


class CasePaymentOrderApi(ApplicantWorkApi):
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


class CaseSubmitApi(ApplicantWorkApi):
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
        return status_reply(request, case.pk)


class CaseCorrectApi(ApplicantApi):
    """POST: the answer to the observation (upload the documents it names first); the evaluation resumes."""

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=4000)

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_correct", parameters=[CASE_ID])
    def post(self, request, case_id: int):
        services.case_correct(user=request.user, case_id=case_id, answer=self.valid_input(request)["answer"],
                              actor=request.user)
        return status_reply(request, case_id)


class CaseExtensionRequestApi(ApplicantApi):
    """POST (no body): the one 30-day extension to answer the observation, where the procedure allows it."""

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_extension_request", parameters=[CASE_ID], request=None)
    def post(self, request, case_id: int):
        services.case_extension_request(user=request.user, case_id=case_id, actor=request.user)
        return status_reply(request, case_id)


class CaseAppealApi(ApplicantApi):
    """POST: a reconsideración against an adverse resolution within 15 business days of its notification
    (`appeal_deadline` in the status), or when the term passed undecided under negative silence."""

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=4000)

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_appeal", parameters=[CASE_ID])
    def post(self, request, case_id: int):
        services.case_appeal(user=request.user, case_id=case_id, text=self.valid_input(request)["text"],
                             actor=request.user)
        return status_reply(request, case_id)


class CaseWithdrawApi(ApplicantApi):
    """POST: the caller withdraws (desistimiento) with a reason; the case is closed."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)

    OutputSerializer = CaseStatusOutput

    @extend_schema(operation_id="tramites_case_withdraw", parameters=[CASE_ID])
    def post(self, request, case_id: int):
        services.case_withdraw(user=request.user, case_id=case_id, reason=self.valid_input(request)["reason"],
                               actor=request.user)
        return status_reply(request, case_id)


class CaseNoticeListApi(ApplicantApi):
    """GET: the buzón's notices of this case (observation, resolution, permit ...), newest first; open one
    with GET /api/v1/buzon/notificaciones/<id>/ (that records the read)."""

    class OutputSerializer(serializers.Serializer):
        notices = NoticeOutput(many=True)

    @extend_schema(operation_id="tramites_case_notices", parameters=[CASE_ID])
    def get(self, request, case_id: int):
        case = selectors.case_own(request.user, case_id, actor=request.user)
        notices = buzon_selectors.notices_for_record(record_kind=RECORD_KIND, record_id=case.pk)
        return Response(self.OutputSerializer({"notices": notices.order_by("-deposited_at", "-id")}).data)
