"""Device API (kiosks, e-gates, mobile control): enroll, verify 1:1, identify 1:N; signed requests only."""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas.authentication import DeviceSignatureAuthentication
from cuentas.permissions import has_role
from core.errors import ValidationFailed

from . import inputs, services, stations
from .engine import capture_face, capture_signature, encode_face
from .models import Enrollment
from .purposes import IDENTIFY_PURPOSES, VERIFY_PURPOSES


class _DeviceApi(APIView):
    authentication_classes = [DeviceSignatureAuthentication]
    permission_classes = [has_role("device")]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class MatchOutputSerializer(serializers.Serializer):
    modality = serializers.CharField()
    score = serializers.FloatField()
    threshold = serializers.FloatField()
    decision = serializers.BooleanField()


class IsEnrollmentStation(BasePermission):
    """Only a device registered as an enrollment station of a sede (an e-gate or kiosk key gets 403)."""

    message = gettext_lazy("Solo una estación de enrolamiento de una sede puede enrolar.")

    def has_permission(self, request, view):
        return stations.is_enrollment_station(getattr(request, "auth", None))


class EnrollmentCreateApi(_DeviceApi):
    """POST /api/v1/biometria/enroll: face, fingers (`finger_<ISO code>` files or `fingers` JSON), signature.

    Enrollment stations only, acting for the officer named by `officer_token` (docs/BIOMETRICS.md).
    A person who already has an enrollment in force gets a pending one and a case for review.
    """

    permission_classes = [has_role("device"), IsEnrollmentStation]

    class InputSerializer(serializers.Serializer):
        person_id = serializers.IntegerField(min_value=1)
        document_kind = serializers.ChoiceField(choices=Enrollment.DocumentKind.choices)
        officer_token = serializers.CharField(max_length=400)

    def post(self, request):
        data = self._valid(self.InputSerializer)
        # The officer is checked before any image is decoded: a refused station costs nothing.
        officer = stations.station_officer(device=request.auth, token=data["officer_token"])
        face = capture_face(inputs.image_bytes(request.data, request.FILES, "face"))
        fingers = inputs.finger_captures(request.data, request.FILES)
        signature = inputs.image_bytes(request.data, request.FILES, "signature", required=False)
        outcome = services.enrollment_create(
            actor=officer, person_id=data["person_id"], document_kind=data["document_kind"], face=face,
            fingers=fingers, missing_fingers=inputs.missing_fingers(request.data),
            signature_png=capture_signature(signature) if signature else None, device_key_id=request.auth.key_id,
        )
        case = outcome.duplicate_case
        return Response({
            "enrollment_id": outcome.enrollment.pk,
            "status": outcome.enrollment.status,
            "duplicate_case_id": case.pk if case else None,
            "face_quality": face.quality.as_dict(),
            "fingers": [{"position": int(f.position), "nfiq2": f.nfiq2, "minutiae": f.minutiae_count,
                         "quality": f.quality.as_dict()} for f in fingers],
        }, status=201)


class VerifyApi(_DeviceApi):
    """POST /api/v1/biometria/verify: `mode` face_person | face_document | finger_person."""

    class InputSerializer(serializers.Serializer):
        mode = serializers.ChoiceField(choices=["face_person", "face_document", "finger_person"])
        person_id = serializers.IntegerField(min_value=1, required=False)
        purpose = serializers.ChoiceField(choices=list(VERIFY_PURPOSES.items()))

    def post(self, request):
        data = self._valid(self.InputSerializer)
        mode, purpose = data["mode"], VERIFY_PURPOSES[data["purpose"]]
        if mode != "face_document" and "person_id" not in data:
            raise ValidationFailed(_("Falta la persona."), fields={"person_id": _("requerido en este modo")})
        if mode == "face_person":
            encoding = encode_face(inputs.image_bytes(request.data, request.FILES, "face"))
            decision = services.face_verify_person(actor=request.user, person_id=data["person_id"],
                                                   encoding=encoding, purpose=purpose)
        elif mode == "face_document":
            encoding = encode_face(inputs.image_bytes(request.data, request.FILES, "face"))
            dg2 = inputs.image_bytes(request.data, request.FILES, "document_face")
            decision = services.face_verify_document(actor=request.user, encoding=encoding, dg2=dg2, purpose=purpose)
        else:
            decision = services.finger_verify_person(actor=request.user, person_id=data["person_id"],
                                                     finger=inputs.single_finger(request.data, request.FILES),
                                                     purpose=purpose)
        return Response(MatchOutputSerializer(decision.as_dict()).data)


class IdentifyApi(_DeviceApi):
    """POST /api/v1/biometria/identify: face candidates from the gallery, confirmed by any fingers sent."""

    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(choices=list(IDENTIFY_PURPOSES.items()))
        max_candidates = serializers.IntegerField(min_value=1, max_value=20, default=5)

    def post(self, request):
        data = self._valid(self.InputSerializer)
        encoding = encode_face(inputs.image_bytes(request.data, request.FILES, "face"))
        candidates = services.identify(actor=request.user, encoding=encoding,
                                       fingers=inputs.finger_captures(request.data, request.FILES),
                                       purpose=IDENTIFY_PURPOSES[data["purpose"]], k=data["max_candidates"])
        return Response({
            "identified": bool(candidates and candidates[0].decision),
            "candidates": [c.as_dict() for c in candidates],
        })
