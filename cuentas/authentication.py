"""Signed device requests (e-gates, kiosks, tablets): HMAC-SHA256 over method, path, time, nonce, body.

Headers: X-Device-Key, X-Timestamp (Unix seconds), X-Nonce (16+ characters) and
X-Signature = hex HMAC-SHA256(secret, "METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256_HEX(BODY)"),
PATH with its query string. A stale timestamp, a reused nonce or a wrong signature is a 401.
"""
import hashlib
import hmac
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import DeviceCredential, DeviceNonce

MAX_SKEW_S = 300
MIN_NONCE_LEN = 16
MAX_TIMESTAMP_DIGITS = 12


def signing_string(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()])


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = signing_string(method, path, timestamp, nonce, body).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class DeviceSignatureAuthentication(authentication.BaseAuthentication):
    www_authenticate_realm = "device"

    def authenticate_header(self, request):
        return 'HMAC-SHA256 realm="device"'

    def authenticate(self, request):
        key_id = request.META.get("HTTP_X_DEVICE_KEY")
        if not key_id:
            return None
        timestamp = request.META.get("HTTP_X_TIMESTAMP", "")
        nonce = request.META.get("HTTP_X_NONCE", "")
        signature = request.META.get("HTTP_X_SIGNATURE", "")
        credential = DeviceCredential.objects.select_related("user").filter(key_id=key_id, active=True).first()
        if credential is None or not credential.user.is_active:
            raise exceptions.AuthenticationFailed("unknown_or_inactive_device: dispositivo desconocido o inactivo")
        # At most 12 digits: int() of a 400-digit header works, but subtracting it from a float overflows.
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= MAX_TIMESTAMP_DIGITS):
            raise exceptions.AuthenticationFailed("bad_timestamp: X-Timestamp debe ser segundos Unix")
        ts = int(timestamp)
        if abs(time.time() - ts) > MAX_SKEW_S:
            raise exceptions.AuthenticationFailed("stale_timestamp: X-Timestamp difiere más de 300 s")
        if len(nonce) < MIN_NONCE_LEN or len(nonce) > 128:
            raise exceptions.AuthenticationFailed("bad_nonce: X-Nonce debe tener de 16 a 128 caracteres")
        body = request._request.body  # the raw bytes, before any parsing
        expected = sign(credential.secret, request.method, request.get_full_path(), timestamp, nonce, body)
        if not hmac.compare_digest(expected, signature.lower()):
            raise exceptions.AuthenticationFailed("bad_signature: la firma no corresponde")
        try:
            with transaction.atomic():
                DeviceNonce.objects.create(key_id=key_id, nonce=nonce)
        except IntegrityError:
            raise exceptions.AuthenticationFailed("replayed_nonce: X-Nonce ya fue usado")
        DeviceCredential.objects.filter(pk=credential.pk).update(last_seen_at=timezone.now())
        request.device = credential
        return credential.user, credential
