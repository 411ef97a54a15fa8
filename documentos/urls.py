"""Public pages of the documents rail: /verificar/ (typed code, scanned QR, uploaded PDF)."""
from django.urls import path

from . import views

app_name = "documentos"
urlpatterns = [
    path("verificar/", views.verify, name="verify"),
    path("verificar/archivo/", views.verify_upload, name="verify_upload"),
    path("verificar/<str:code>", views.verify_code, name="verify_code"),
]
