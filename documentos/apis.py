"""Public API of the documents rail: what a hotel's or employer's app asks after scanning a QR."""
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cuentas.throttling import AddressThrottle

from .selectors import document_verify


class DocumentVerifyApi(APIView):
    """GET /api/v1/documentos/verificar/<code> -> {"status": VALID|REVOKED|UNKNOWN, "kind", "facts", ...}.

    Throttled per address like the page (the same scope): codes cannot be swept through the API."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]
    throttle_scope = "documentos_verify_ip"

    def get(self, request: Request, code: str) -> Response:
        view = document_verify(code, actor=request.user, via="api")
        if view is None:
            return Response({"status": "UNKNOWN"}, status=404)
        return Response({
            "status": view.status, "kind": view.kind_code, "kind_label": view.kind_label, "code": view.code_display,
            "issued_at": view.issued_at.isoformat(), "facts": dict(view.fact_items),
            "revoked_at": view.revoked_at.isoformat() if view.revoked_at else None,
            "revoked_reason": view.revoked_reason or None, "has_seal": view.has_seal,
        })
