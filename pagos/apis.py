"""REST API of the payments rail: the bank's signed notification, and refunds by a supervisor."""
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas.permissions import has_role
from integraciones.banco_nacion import SIGNATURE_HEADER, TIMESTAMP_HEADER

from . import services


@method_decorator(csrf_exempt, name="dispatch")
class PaymentNotificationApi(APIView):
    """Banco de la Nación's signed notification that an order was paid (verified, idempotent)."""

    authentication_classes: list = []  # the HMAC signature is the authentication
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        order_id = serializers.CharField()
        status = serializers.CharField()
        receipt_number = serializers.CharField(allow_null=True)

    def post(self, request):
        payment = services.payment_notification_receive(
            body=request.body, signature=request.headers.get(SIGNATURE_HEADER, ""),
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
        )
        return Response(self.OutputSerializer(payment).data)


class CanRefund(BasePermission):
    message = "Su rol no permite devolver pagos."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("pagos.refund_payment"))


class PaymentRefundApi(APIView):
    """A supervisor records a refund of a payment, with its reason (the whole amount unless given)."""

    permission_classes = [has_role("supervisor"), CanRefund]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=300)
        amount = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, min_value=0)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        payment_id = serializers.IntegerField()
        amount = serializers.DecimalField(max_digits=9, decimal_places=2)
        reason = serializers.CharField()
        actor_repr = serializers.CharField()
        created_at = serializers.DateTimeField()
        payment_status = serializers.CharField(source="payment.status")

    def post(self, request, payment_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = services.payment_refund(actor=request.user, payment_id=payment_id, **data.validated_data)
        return Response(self.OutputSerializer(refund).data, status=201)
