"""REST API of the e-passport service: free turns, booking, the application (the bank's notification: pagos)."""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas.permissions import has_role
from core.errors import NotFound

from . import selectors, services


class FreeSlotsApi(APIView):
    """The next free days of a sede and, for a day, its free turns."""

    permission_classes = [has_role("citizen", "officer", "supervisor")]

    class InputSerializer(serializers.Serializer):
        dia = serializers.DateField(required=False)

    class SlotSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        starts_at = serializers.DateTimeField()
        free = serializers.IntegerField()

    def get(self, request, office_code: str):
        office = selectors.office_by_code(office_code)
        if office is None:
            raise NotFound("La sede no existe.", fields={"office": office_code})
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        services.slots_ensure(office=office)
        days = selectors.next_free_days(office=office)
        day = query.validated_data.get("dia") or (days[0].day if days else None)
        slots = selectors.free_slots(office=office, day=day) if day else []
        return Response({
            "office": office.code,
            "next_free_days": [{"day": d.day, "free": d.free} for d in days],
            "day": day,
            "slots": self.SlotSerializer(slots, many=True).data,
        })


class AppointmentBookApi(APIView):
    """Book (or, with an active cita, reschedule to) a turn for the signed-in citizen's application."""

    permission_classes = [has_role("citizen")]

    class InputSerializer(serializers.Serializer):
        slot = serializers.IntegerField()

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        slot_id = serializers.IntegerField()
        status = serializers.CharField()

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = selectors.application_current(request.user)
        if application is None:
            raise NotFound("No tiene una solicitud de pasaporte pagada.", fields={"application": "Pague primero."})
        if selectors.appointment_active(application):
            appointment = services.appointment_reschedule(actor=request.user, application_id=application.pk,
                                                          slot_id=data.validated_data["slot"])
        else:
            appointment = services.appointment_book(actor=request.user, application_id=application.pk,
                                                    slot_id=data.validated_data["slot"])
        return Response(self.OutputSerializer(appointment).data, status=201)


class ApplicationDetailApi(APIView):
    """The signed-in citizen's application: state and timeline."""

    permission_classes = [has_role("citizen")]

    class EventSerializer(serializers.Serializer):
        to_status = serializers.CharField()
        step = serializers.CharField()  # empty for a transition; a cita moved or cancelled, a passport lost
        label = serializers.CharField()
        note = serializers.CharField()
        created_at = serializers.DateTimeField()

    def get(self, request):
        application = selectors.application_current(request.user)
        if application is None:
            raise NotFound("No tiene una solicitud de pasaporte.", fields={"application": "Sin solicitud."})
        return Response({
            "id": application.pk, "status": application.status, "status_label": application.get_status_display(),
            "reason": application.status_reason,
            "timeline": self.EventSerializer(selectors.application_timeline(application), many=True).data,
        })
