"""Officer pages; the project includes them under /biometria/."""
from django.urls import path

from . import views

app_name = "biometria"

urlpatterns = [
    path("captura/", views.capture, name="capture"),
    path("captura/calidad/", views.quality_check, name="quality_check"),
    path("enrolamientos/<int:pk>/", views.enrollment_detail, name="enrollment_detail"),
    path("enrolamientos/<int:pk>/retrato.jpg", views.portrait, name="portrait"),
    path("casos/", views.case_list, name="case_list"),
    path("casos/<int:pk>/", views.case_detail, name="case_detail"),
    path("estacion/", views.station_token, name="station_token"),
]
