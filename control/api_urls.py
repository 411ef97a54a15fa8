from django.urls import path

from . import apis

app_name = "control_api"
urlpatterns = [
    path("migracheck", apis.PreRegistrationCreateApi.as_view(), name="migracheck"),
    path("mrz-from-photo", apis.MrzFromPhotoApi.as_view(), name="mrz_from_photo"),
    path("queue", apis.ReferralQueueApi.as_view(), name="queue"),
]
