"""What every operation of the API shares: who may call it, the throttles, the error shape, the body check."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from cuentas.permissions import has_role
from cuentas.roles import CITIZEN, FOREIGNER
from cuentas.throttling import request_throttle

APPLICANT = has_role(CITIZEN, FOREIGNER)
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


class ApplicantApi(APIView):
    permission_classes = [APPLICANT]

    def valid_input(self, request) -> dict:
        """The request body checked by the view's InputSerializer (400 in the API's shape otherwise)."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class ApplicantWorkApi(ApplicantApi):
    throttle_classes = [ApplicantWorkThrottle]


class ErrorOutput(serializers.Serializer):
    """The API's one error shape (migraciones/exceptions.py)."""

    error = serializers.CharField(help_text="validation_failed, forbidden, not_found, conflict, payload_too_large ...")
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField(), required=False)
