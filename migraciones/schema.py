"""OpenAPI schema of the API (drf-spectacular), read from the house style of the views.

Each APIView declares nested `InputSerializer` / `OutputSerializer` classes: the input is the request
body (or the query parameters of a GET), the output the response. Signed device requests are a
security scheme of their own, so clients (and schemathesis) know which operations a device signs.
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

_BODY_METHODS = ("POST", "PUT", "PATCH")


class AutoSchema(SpectacularAutoSchema):
    def _nested(self, name: str):
        candidate = getattr(self.view, name, None)
        return candidate if isinstance(candidate, type) and issubclass(candidate, serializers.BaseSerializer) else None

    def _guessable(self) -> bool:
        return hasattr(self.view, "get_serializer") or hasattr(self.view, "serializer_class")

    def get_request_serializer(self):
        if self.method not in _BODY_METHODS:
            return None
        serializer = self._nested("InputSerializer")
        if serializer is not None:
            return serializer
        return super().get_request_serializer() if self._guessable() else OpenApiTypes.OBJECT

    def get_response_serializers(self):
        serializer = self._nested("OutputSerializer")
        if serializer is not None:
            return serializer
        return super().get_response_serializers() if self._guessable() else OpenApiTypes.OBJECT

    def get_serializer_name(self, serializer, direction):
        # Nested "XApi.InputSerializer" classes would all be called "Input": name them by their view.
        cls = serializer if isinstance(serializer, type) else type(serializer)
        outer, _dot, inner = cls.__qualname__.rpartition(".")
        if outer and "." not in outer and inner in ("InputSerializer", "OutputSerializer"):
            return outer.removesuffix("Api") + inner.removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        serializer = self._nested("InputSerializer")
        if self.method == "GET" and serializer is not None:
            parameters.append(serializer)  # drf-spectacular spreads a serializer into query parameters
        return parameters


class DeviceSignatureScheme(OpenApiAuthenticationExtension):
    """Signed device requests (cuentas.authentication): key id, timestamp, nonce and an HMAC (docs/EGATE_API.md)."""

    target_class = "cuentas.authentication.DeviceSignatureAuthentication"
    name = "deviceSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "X-Device-Key",
            "description": "Also X-Timestamp (Unix seconds), X-Nonce (16-128 characters) and X-Signature = "
                           "hex HMAC-SHA256(secret, METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256_HEX(BODY)).",
        }


class Base64FieldScheme(OpenApiSerializerFieldExtension):
    """control's Base64Field (images and chip files in base64) is a base64 string in the schema."""

    target_class = "control.apis.Base64Field"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "byte"}
