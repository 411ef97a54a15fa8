"""Signed device API: verify a traveller at a gate or tablet, and report the device's state."""
from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from control.apis import MAX_DG_BYTES, Base64Field, decode_b64
from control.checks import ChipData
from control.services import Boarding, crossing_decide
from cuentas import roles
from cuentas.authentication import DeviceSignatureAuthentication
from cuentas.permissions import has_role
from core.errors import ApplicationError, PermissionDenied

from . import services

MAX_FACE_BYTES = 5 * 1024 * 1024
CHANNEL_BY_KIND = {"EGATE": "EGATE", "MOBILE": "MOBILE"}


class DeviceApi(APIView):
    authentication_classes = [DeviceSignatureAuthentication]
    permission_classes = [has_role(roles.DEVICE)]

    def device(self, request: Request):
        credential = getattr(request, "auth", None)
        if credential is None or credential.kind not in CHANNEL_BY_KIND:
            raise PermissionDenied(_("Este dispositivo no hace control migratorio."), fields={"X-Device-Key": "kind"})
        return credential


class VerificationCreateApi(DeviceApi):
    """POST /api/v1/egates/verifications: one decision, idempotent under Idempotency-Key."""

    class ChipSerializer(serializers.Serializer):
        dg1 = Base64Field()
        dg2 = Base64Field(required=False)
        sod = Base64Field()
        dg14 = Base64Field(required=False)
        dg15 = Base64Field(required=False)
        # Clone detection: the challenge from POST /challenges and the chip's answer to it.
        aa_challenge = serializers.RegexField(r"^[0-9a-fA-F]{16}$", required=False)
        aa_signature = Base64Field(required=False)
        ca_verified = serializers.BooleanField(required=False, allow_null=True, default=None)

    class BoardingSerializer(serializers.Serializer):
        flight = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        origin = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        destination = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
        purpose = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        address_in_peru = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        residence_country = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
        email = serializers.EmailField(required=False, allow_blank=True, default="")

    class InputSerializer(serializers.Serializer):
        direction = serializers.ChoiceField(choices=["ENTRY", "EXIT"])
        mrz = serializers.ListField(child=serializers.CharField(max_length=44), min_length=2, max_length=3)
        chip = serializers.DictField(required=False, allow_null=True)
        live_face = Base64Field(required=False)
        boarding = serializers.DictField(required=False, allow_null=True)

    def post(self, request: Request) -> Response:
        device = self.device(request)
        actor = self._actor(request, device)
        key = request.headers.get("Idempotency-Key")
        record = None
        if key is not None:
            record, replay = services.idempotency_begin(device_key=device.key_id, key=key, body=request.body)
            if replay is not None:
                return Response(replay.body, status=replay.status_code, headers={"Idempotent-Replay": "true"})
        # The answer is stored under the key inside the decision's own transaction: once a decision
        # is committed, whatever fails afterwards, a retry gets that decision and nothing is decided twice.
        store = None if record is None else (
            lambda decision: services.idempotency_finish(record=record, status_code=200, body=decision.as_dict()))
        try:
            body = self._decide(request, device, actor, store)
        except ApplicationError as exc:
            if record is not None:
                services.idempotency_finish(record=record, status_code=exc.status, body=exc.as_dict())
            raise
        except Exception:
            if record is not None:
                services.idempotency_abandon(record=record)  # only a key with no committed answer
            raise
        return Response(body)

    @staticmethod
    def _actor(request: Request, device):
        """A gate acts as itself; a tablet acts for the officer signed in on it (X-Officer-Session)."""
        if device.kind != "MOBILE":
            return request.user
        officer = services.officer_session_user(device=device, token=request.headers.get("X-Officer-Session"))
        if officer is None:
            raise PermissionDenied(_("La tableta no tiene un oficial con sesión iniciada."),
                                   fields={"X-Officer-Session": _("Inicie sesión como oficial en la tableta.")})
        return officer

    def _decide(self, request: Request, device, actor, store) -> dict:
        data = self._valid(self.InputSerializer, request.data)
        chip = self._chip(data.get("chip"), device)
        boarding = Boarding(**self._valid(self.BoardingSerializer, data.get("boarding") or {}))
        face = decode_b64(data["live_face"], field="live_face", limit=MAX_FACE_BYTES) if data.get("live_face") else None
        decision = crossing_decide(
            channel=CHANNEL_BY_KIND[device.kind], direction=data["direction"], crossing_point=device.crossing_point,
            mrz_lines=data["mrz"], chip=chip, live_face=face, boarding=boarding, actor=actor,
            device_key=device.key_id, on_record=store,
        )
        return decision.as_dict()

    @staticmethod
    def _valid(serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _chip(self, raw: dict | None, device=None) -> ChipData | None:
        if not raw:
            return None
        data = self._valid(self.ChipSerializer, raw)

        def optional(name: str) -> bytes | None:
            value = data.get(name)
            return decode_b64(value, field=f"chip.{name}", limit=MAX_DG_BYTES) if value else None

        challenge, refused = None, ""
        if data.get("aa_challenge") and device is not None:
            from .challenges import challenge_use

            used = challenge_use(device=device, nonce_hex=data["aa_challenge"])
            challenge, refused = used.nonce, used.refused
        return ChipData(
            dg1=decode_b64(data["dg1"], field="chip.dg1", limit=MAX_DG_BYTES), dg2=optional("dg2"),
            sod=decode_b64(data["sod"], field="chip.sod", limit=MAX_DG_BYTES), dg14=optional("dg14"),
            dg15=optional("dg15"), aa_challenge=challenge, aa_signature=optional("aa_signature"),
            challenge_refused=refused, ca_verified=data.get("ca_verified"),
        )


class ChallengeCreateApi(DeviceApi):
    """POST /api/v1/egates/challenges: a one-time challenge for the chip's Active Authentication, valid
    60 s and only for this device; the gate sends the chip's answer with the verification."""

    def post(self, request: Request) -> Response:
        from .challenges import CHALLENGE_TTL, challenge_issue

        challenge = challenge_issue(device=self.device(request))
        return Response({"challenge": challenge.nonce, "expires_at": challenge.expires_at.isoformat(),
                         "ttl_s": int(CHALLENGE_TTL.total_seconds())}, status=201)


class OfficerSessionApi(DeviceApi):
    """POST /api/v1/egates/officer-session: an officer signs in on a tablet (password and TOTP code);
    DELETE (with X-Officer-Session) signs them out. Gates have no officer sessions."""

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        otp = serializers.RegexField(r"^[0-9]{6}$")

    def device(self, request: Request):
        credential = super().device(request)
        if credential.kind != "MOBILE":
            raise PermissionDenied(_("Solo las tabletas de control móvil admiten sesiones de oficial."),
                                   fields={"X-Device-Key": "kind"})
        return credential

    def post(self, request: Request) -> Response:
        device = self.device(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session, token = services.officer_session_start(device=device, request=request._request,
                                                        username=data["username"], password=data["password"],
                                                        otp=data["otp"])
        return Response({"officer_session": token, "expires_at": session.expires_at.isoformat(),
                         "officer": session.user.display_name, "crossing_point": device.crossing_point},
                        status=201)

    def delete(self, request: Request) -> Response:
        device = self.device(request)
        ended = services.officer_session_end(device=device, token=request.headers.get("X-Officer-Session"))
        return Response({"ended": ended})


class HeartbeatApi(DeviceApi):
    """POST /api/v1/egates/heartbeat: the device's state, shown on the supervisors' page."""

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=["OK", "DEGRADED", "FAULT", "MAINTENANCE"])
        components = serializers.DictField(child=serializers.CharField(max_length=40), required=False, default=dict)
        software_version = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        message = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def post(self, request: Request) -> Response:
        device = self.device(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        status = services.heartbeat_record(device=device, state=serializer.validated_data["status"],
                                           components=serializer.validated_data["components"],
                                           software_version=serializer.validated_data["software_version"],
                                           message=serializer.validated_data["message"])
        return Response({"key_id": device.key_id, "status": status.state,
                         "received_at": status.reported_at.isoformat(), "crossing_point": device.crossing_point})
