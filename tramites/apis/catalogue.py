"""The catalogue, a procedure's eligibility, and tying the account to the caller's RIM record."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound

from .. import selectors, services
from .base import ApplicantApi, ApplicantWorkApi, ErrorOutput, LinkThrottle
from .shapes import ProcedureOutput, procedure_shape


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
            "procedures": [procedure_shape(e, personal=person is not None) for e in entries]}).data)


class ProcedureEligibilityApi(ApplicantWorkApi):
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


class ApplicantLinkApi(ApplicantApi):
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
