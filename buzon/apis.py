"""REST API of the mailbox for the person's own apps: their notices, and one notice (opening it records the read)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas.permissions import has_role
from cuentas.roles import CITIZEN, FOREIGNER

from . import selectors, services


def _dates(notice) -> dict:
    dates = selectors.notice_dates(notice)
    return {"deposited_on": dates.deposited_on, "notified_on": dates.notified_on, "notified_by": dates.notified_by,
            "deemed_on": dates.deemed_on, "deadline": dates.deadline}


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    title = serializers.CharField()
    expediente = serializers.CharField()
    deposited_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField()
    has_attachment = serializers.SerializerMethodField()
    dates = serializers.SerializerMethodField()

    def get_has_attachment(self, notice) -> bool:
        return notice.attachment_id is not None

    def get_dates(self, notice) -> dict:
        return self.DatesSerializer(_dates(notice)).data

    class DatesSerializer(serializers.Serializer):
        deposited_on = serializers.DateField()
        notified_on = serializers.DateField(allow_null=True)
        notified_by = serializers.CharField(allow_null=True)
        deemed_on = serializers.DateField(allow_null=True)
        deadline = serializers.DateField(allow_null=True)


class NoticeListApi(APIView):
    """GET: the caller's notices, unread first (the read of the list is audited)."""

    permission_classes = [has_role(CITIZEN, FOREIGNER)]

    @extend_schema(operation_id="buzon_notices_list")
    def get(self, request):
        casilla = selectors.casilla_active(request.user)
        notices = selectors.notices_of(request.user, actor=request.user)
        return Response({"casilla_active": casilla is not None,
                         "unread": sum(1 for n in notices if n.unread),
                         "notices": NoticeOutput(notices, many=True).data})


class NoticeOpenApi(APIView):
    """GET: one of the caller's notices with its body; the first opening records the read time."""

    permission_classes = [has_role(CITIZEN, FOREIGNER)]

    class OutputSerializer(NoticeOutput):
        body = serializers.CharField()

    @extend_schema(operation_id="buzon_notice_open")
    def get(self, request, notice_id: int):
        notice = services.notice_open(user=request.user, notice_id=notice_id, actor=request.user)
        return Response(self.OutputSerializer(notice).data)
