from django.urls import path

from . import views

app_name = "control"
urlpatterns = [
    path("", views.counter, name="counter"),
    path("controles/<int:crossing_id>/", views.crossing_detail, name="crossing"),
    path("controles/<int:crossing_id>/revision", views.review, name="review"),
    path("cola/", views.queue, name="queue"),
    path("migracheck/", views.migracheck, name="migracheck"),
    path("migracheck/confirmar/<str:token>/", views.migracheck_confirm, name="migracheck_confirm"),
]
