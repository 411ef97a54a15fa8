"""API routes of the e-passport service, under /api/v1/pasaporte/."""
from django.urls import path

from pagos.apis import PaymentNotificationApi

from . import apis

app_name = "pasaporte_api"

urlpatterns = [
    # The address the bank had before the payments rail: orders created then still notify here.
    path("pagos/notificacion", PaymentNotificationApi.as_view(), name="payment_notification"),
    path("sedes/<str:office_code>/turnos", apis.FreeSlotsApi.as_view(), name="free_slots"),
    path("citas", apis.AppointmentBookApi.as_view(), name="appointment_book"),
    path("solicitud", apis.ApplicationDetailApi.as_view(), name="application_detail"),
]
