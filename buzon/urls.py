"""Pages of buzon."""
from django.urls import path

from . import views

app_name = "buzon"
urlpatterns = [
    path("", views.home, name="home"),
    path("activar/", views.accept, name="accept"),
    path("revocar/", views.revoke, name="revoke"),
    path("<int:notice_id>/", views.notice, name="notice"),
    path("<int:notice_id>/cargo.pdf", views.cargo, name="cargo"),
    path("<int:notice_id>/adjunto.pdf", views.attachment, name="attachment"),
    path("acuse/<str:token>/", views.acknowledge, name="acknowledge"),
]
