from django.urls import path

from . import apis

app_name = "egates_api"
urlpatterns = [
    path("verifications", apis.VerificationCreateApi.as_view(), name="verifications"),
    path("challenges", apis.ChallengeCreateApi.as_view(), name="challenges"),
    path("heartbeat", apis.HeartbeatApi.as_view(), name="heartbeat"),
    path("officer-session", apis.OfficerSessionApi.as_view(), name="officer_session"),
]
