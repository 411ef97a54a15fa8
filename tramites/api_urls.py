"""URLs of the tramites API under /api/v1/tramites/ (tramites/apis.py)."""
from django.urls import path

from . import apis

app_name = "tramites_api"
urlpatterns = [
    path("procedimientos/", apis.ProcedureListApi.as_view(), name="procedures"),
    path("procedimientos/<slug:code>/elegibilidad/", apis.ProcedureEligibilityApi.as_view(), name="eligibility"),
    path("cuenta/vinculo/", apis.ApplicantLinkApi.as_view(), name="link"),
    path("expedientes/", apis.CaseListApi.as_view(), name="cases"),
    path("expedientes/nuevo/", apis.CaseCreateApi.as_view(), name="case_create"),
    path("expedientes/<int:case_id>/", apis.CaseStatusApi.as_view(), name="case"),
    path("expedientes/<int:case_id>/respuestas/", apis.CaseAnswersSaveApi.as_view(), name="case_answers"),
    path("expedientes/<int:case_id>/documentos/<slug:key>/", apis.CaseFileUploadApi.as_view(), name="case_file"),
    path("expedientes/<int:case_id>/pago/recibo/", apis.CasePaymentReceiptApi.as_view(), name="case_pay_receipt"),
    path("expedientes/<int:case_id>/pago/orden/", apis.CasePaymentOrderApi.as_view(), name="case_pay_order"),
    path("expedientes/<int:case_id>/presentar/", apis.CaseSubmitApi.as_view(), name="case_submit"),
    path("expedientes/<int:case_id>/subsanacion/", apis.CaseCorrectApi.as_view(), name="case_correct"),
    path("expedientes/<int:case_id>/prorroga/", apis.CaseExtensionRequestApi.as_view(), name="case_extension"),
    path("expedientes/<int:case_id>/reconsideracion/", apis.CaseAppealApi.as_view(), name="case_appeal"),
    path("expedientes/<int:case_id>/desistimiento/", apis.CaseWithdrawApi.as_view(), name="case_withdraw"),
    path("expedientes/<int:case_id>/notificaciones/", apis.CaseNoticeListApi.as_view(), name="case_notices"),
]
