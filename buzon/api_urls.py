from django.urls import path

from . import apis

app_name = "buzon_api"
urlpatterns = [
    path("notificaciones/", apis.NoticeListApi.as_view(), name="notices"),
    path("notificaciones/<int:notice_id>/", apis.NoticeOpenApi.as_view(), name="notice"),
]
