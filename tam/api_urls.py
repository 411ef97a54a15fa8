from django.urls import path

from . import apis

app_name = "tam_api"
urlpatterns = [
    path("verify", apis.SealVerifyApi.as_view(), name="verify"),
]
