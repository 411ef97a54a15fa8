from django.urls import path

from . import officer_views, views

app_name = "tramites"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("vincular/", views.link, name="link"),
    path("expedientes/<int:case_id>/", views.case, name="case"),
    path("expedientes/<int:case_id>/preguntas/", views.questions, name="questions"),
    path("expedientes/<int:case_id>/documentos/<slug:key>/", views.upload, name="upload"),
    path("expedientes/<int:case_id>/pago/", views.payment, name="payment"),
    path("expedientes/<int:case_id>/presentar/", views.submit, name="submit"),
    path("expedientes/<int:case_id>/presentado/", views.filed, name="filed"),
    path("expedientes/<int:case_id>/documento/<slug:kind>.pdf", views.act_pdf, name="act_pdf"),
    path("expedientes/<int:case_id>/responder/", views.answer, name="answer"),
    path("expedientes/<int:case_id>/prorroga/", views.extension, name="extension"),
    path("expedientes/<int:case_id>/desistir/", views.withdraw, name="withdraw"),
    path("expedientes/<int:case_id>/reconsideracion/", views.appeal, name="appeal"),
    path("expedientes/<int:case_id>/borrar/", views.discard, name="discard"),
    # Officers and supervisors.
    path("servidor/", officer_views.queue, name="officer_queue"),
    path("servidor/tablero/", officer_views.dashboard, name="officer_dashboard"),
    path("servidor/expedientes/<int:case_id>/", officer_views.case, name="officer_case"),
    path("servidor/expedientes/<int:case_id>/tomar/", officer_views.take, name="officer_take"),
    path("servidor/expedientes/<int:case_id>/observar/", officer_views.observe, name="officer_observe"),
    path("servidor/expedientes/<int:case_id>/resolver/", officer_views.resolve, name="officer_resolve"),
    path("servidor/expedientes/<int:case_id>/aprobar/", officer_views.confirm, name="officer_confirm"),
    path("servidor/expedientes/<int:case_id>/archivos/<int:file_id>/", officer_views.file, name="officer_file"),
    # Last: a procedure's page by its code.
    path("<slug:code>/", views.procedure, name="procedure"),
    path("<slug:code>/empezar/", views.start, name="start"),
]
