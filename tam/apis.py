"""Public TAM API: check a seal (what a hotel's or employer's app does after scanning the QR)."""
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas.throttling import AddressThrottle

from .selectors import seal_check


class SealVerifyApi(APIView):
    """POST /api/v1/tam/verify {"seal": "..."} -> {"valid", "reason", "payload", "matches_record"}."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]
    throttle_scope = "tam_verify_ip"

    class InputSerializer(serializers.Serializer):
        seal = serializers.CharField(max_length=8000)

    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = seal_check(serializer.validated_data["seal"])
        return Response({"valid": result.valid, "reason": result.reason, "payload": result.payload,
                         "matches_record": result.matches_record})
