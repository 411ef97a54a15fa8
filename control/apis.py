"""Control API: MigraCheck pre-registration (public), MRZ from a photo and the referral queue (officers)."""
from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas import roles
from cuentas.permissions import has_role
from cuentas.throttling import request_throttle, throttle_hit
from core.errors import PayloadTooLarge, PermissionDenied, ValidationFailed

from . import selectors, services
from .audit_actions import AuditAction
from .ocr import mrz_from_photo
from .stay import PURPOSES
from .uploads import FORM_OVERHEAD_BYTES, MAX_DG_BYTES, check_content_length



class Base64Field(serializers.Field):
    """Base64 text, decoded and size-checked later by `decode_b64` (400/413 naming the field).

    Not a CharField: DRF's CharField runs a Python loop over every character looking for
    surrogates, about 4 ms per verification on a chip's 100 KB of base64 (bench_control_verify).
    """

    default_error_messages = {"invalid": _("Se espera texto en base64.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class PreRegistrationCreateApi(APIView):
    """POST /api/v1/control/migracheck: register a trip up to 48 h ahead.

    Anonymous callers must send the chip photo (DG2): the registration then counts only for that
    chip. The body is refused by its Content-Length before it is read (413 naming `dg2`), and each
    request counts against the client's address and the document it names (429).
    """

    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: list = []

    class InputSerializer(serializers.Serializer):
        document_number = serializers.CharField(max_length=20)
        issuing_state = serializers.CharField(max_length=3)
        nationality = serializers.CharField(max_length=3)
        birth_date = serializers.DateField()
        expiry_date = serializers.DateField()
        direction = serializers.ChoiceField(choices=["ENTRY", "EXIT"])
        flight = serializers.CharField(max_length=20)
        flight_at = serializers.DateTimeField()
        purpose = serializers.ChoiceField(choices=list(PURPOSES))
        origin = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        destination = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        address_in_peru = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        residence_country = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        dg2 = Base64Field(required=False, default="")

    def post(self, request: Request) -> Response:
        # Before request.data: a body over the limit is never read.
        check_content_length(request, limit=MAX_DG_BYTES * 4 // 3 + FORM_OVERHEAD_BYTES, field="dg2",
                             field_limit=MAX_DG_BYTES)
        request_throttle(request, address_scope="migracheck_ip")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        throttle_hit(scope="migracheck_document", key=f"{data['issuing_state']}:{data['document_number']}")
        encoded = data.pop("dg2")
        dg2 = decode_b64(encoded, field="dg2", limit=MAX_DG_BYTES) if encoded else None
        user = request.user if request.user.is_authenticated else None
        prereg = services.preregistration_create(actor=user, dg2=dg2, **data)
        return Response({"reference": str(prereg.reference), "status": prereg.status,
                         "flight": prereg.flight, "flight_at": prereg.flight_at.isoformat(),
                         "email_confirmation": _email_state(prereg)}, status=201)


def _email_state(prereg) -> str:
    if not prereg.email:
        return "none"
    return "confirmed" if prereg.email_confirmed_at else "link_sent"


def decode_b64(value: str, *, field: str, limit: int) -> bytes:
    """Bytes of a base64 field; 413 above `limit`, 400 naming the field when it is not base64."""
    if len(value) > limit * 4 // 3 + 4:
        raise PayloadTooLarge(_("El campo supera el tamaño permitido."), fields={field: f"máximo {limit} bytes"})
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed(_("Datos inválidos"), fields={field: _("No es base64 válido.")}) from None


class MrzFromPhotoApi(APIView):
    """POST /api/v1/control/mrz-from-photo (multipart `photo`): the MRZ lines read from a data page."""

    permission_classes = [has_role(roles.OFFICER, roles.SUPERVISOR)]
    parser_classes = [MultiPartParser]

    def post(self, request: Request) -> Response:
        photo = request.FILES.get("photo")
        if photo is None:
            raise ValidationFailed("Falta la foto.", fields={"photo": "Este campo es obligatorio."})
        return Response({"mrz": mrz_from_photo(photo.read(), field="photo")})


class ReferralQueueApi(APIView):
    """GET /api/v1/control/queue: referred travellers waiting for an officer (for polling screens);
    `reasons` in words in the caller's language, `reason_codes` the check and reason code of each."""

    permission_classes = [has_role(roles.OFFICER, roles.SUPERVISOR)]

    def get(self, request: Request) -> Response:
        point = selectors.officer_crossing_point(user=request.user)
        if point is None:
            raise PermissionDenied(_("Su usuario no tiene un puesto de control asignado."),
                                   fields={"crossing_point": _("Sin puesto asignado.")})
        crossings = list(selectors.referral_queue(crossing_point=point))
        services.crossing_reads_record(actor=request.user, crossings=crossings, action=AuditAction.QUEUE_VIEW,
                                       purpose="control migratorio: cola de derivados",
                                       once_per_s=services.QUEUE_READ_AUDIT_PERIOD_S)
        return Response([
            {"id": c.pk, "transaction_id": str(c.transaction_id), "created_at": c.created_at.isoformat(),
             "crossing_point": c.crossing_point.code, "channel": c.channel, "name": c.full_name,
             "document": f"{c.issuing_state} {c.document_number}", "reasons": c.reason_lines,
             "reason_codes": [{"check": item.get("check", ""), "code": item.get("code", "")}
                              for item in c.reason_items]}
            for c in crossings
        ])
