"""Pages of the e-passport service, under /pasaporte/."""
from django.urls import path

from . import views

app_name = "pasaporte"

urlpatterns = [
    path("", views.home, name="home"),
    path("pagar/", views.pay, name="pay"),
    path("pagar/retorno/", views.pay_return, name="pay_return"),
    path("cita/", views.book, name="book"),
    path("cita/confirmacion/", views.appointment_confirmation, name="appointment_confirmation"),
    path("cita/constancia.pdf", views.appointment_voucher, name="appointment_voucher"),
    path("cita/cita.ics", views.appointment_calendar, name="appointment_calendar"),
    path("cita/anular/", views.cancel_appointment, name="cancel_appointment"),
    path("pago/comprobante.pdf", views.payment_receipt, name="payment_receipt"),
    path("pasaportes/<int:document_id>/anular/", views.report_loss, name="report_loss"),
    path("sede/", views.office_today, name="office_today"),
    path("sede/solicitud/<int:application_id>/enrolar/", views.enroll, name="enroll"),
    path("sede/solicitud/<int:application_id>/entregar/", views.deliver, name="deliver"),
    path("sede/solicitud/<int:application_id>/revisar/", views.review, name="review"),
    path("sede/cita/<int:appointment_id>/inasistencia/", views.no_show, name="no_show"),
    path("supervision/", views.dashboard, name="dashboard"),
]
