"""API routes of the payments rail, under /api/v1/pagos/."""
from django.urls import path

from . import apis

app_name = "pagos_api"

urlpatterns = [
    path("notificacion", apis.PaymentNotificationApi.as_view(), name="payment_notification"),
    path("<int:payment_id>/devolucion", apis.PaymentRefundApi.as_view(), name="payment_refund"),
]
