"""Device API URLs; the project includes them under /api/v1/biometria/."""
from django.urls import path

from . import apis

app_name = "biometria-api"

urlpatterns = [
    path("enroll", apis.EnrollmentCreateApi.as_view(), name="enroll"),
    path("verify", apis.VerifyApi.as_view(), name="verify"),
    path("identify", apis.IdentifyApi.as_view(), name="identify"),
]
