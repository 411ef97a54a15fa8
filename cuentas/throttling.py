"""One throttle for pages and APIs: fixed windows in the cache, per client address and per looked-up key.

A public look-up (the TAM download, the seal check, the password reset) counts each attempt once per
client address and once per document or account it names, so neither a new address nor a new
document resets the count. The client address is REMOTE_ADDR; X-Forwarded-For is read only behind
TRUSTED_PROXIES of our own proxies. Without the cache the throttle fails closed (503): a public
look-up with no limit is how the birth date behind a TAM was guessed.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from core.errors import ApplicationError

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
            "d": 86400, "day": 86400}


class Throttled(ApplicationError):
    status, code = 429, "throttled"


class ThrottleUnavailable(ApplicationError):
    status, code = 503, "throttle_unavailable"


@dataclass(frozen=True)
class Rate:
    count: int
    period_s: int


def parse_rate(text: str) -> Rate:
    """"5/hour", "60/min", "10/15m" -> Rate."""
    count, _sep, period = text.partition("/")
    digits = "".join(c for c in period if c.isdigit()) or "1"
    unit = period[len(digits):] if period[:1].isdigit() else period
    return Rate(int(count), int(digits) * _PERIODS[unit.strip().lower()])


def client_address(request) -> str:
    """The address that connected, or the one our own proxies saw connect to them."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    chain = forwarded + [remote]
    # The last `proxies` hops are ours; the one before them is the client (spoofed entries sit further left).
    return chain[-(proxies + 1)] if len(chain) > proxies else chain[0]


def axes_client_address(request) -> str | None:
    """django-axes' view of the address: the same as the throttles', or None when there is none.

    A sign-in without a connection (the test client's force_login, a management command) has no
    address; axes stores None, where "unknown" would be refused by PostgreSQL's inet column.
    """
    address = client_address(request)
    return None if address == "unknown" else address


def _cache_key(scope: str, key: str, window: int) -> str:
    # Hashed: a document number or an e-mail is personal data and stays out of the cache's keys.
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{window}"


def throttle_hit(*, scope: str, key: str) -> None:
    """Count one attempt of `key` under `scope`; raise Throttled past the rate, ThrottleUnavailable without a cache."""
    rate = parse_rate(settings.THROTTLE_RATES[scope])
    now = time.time()
    window = int(now // rate.period_s)
    cache_key = _cache_key(scope, key.strip().upper(), window)
    try:
        cache.add(cache_key, 0, timeout=rate.period_s + 5)
        count = cache.incr(cache_key)
    except Exception as exc:  # noqa: BLE001 - any cache failure closes the door
        logger.warning("throttle %s: cache unavailable (%s)", scope, type(exc).__name__)
        raise ThrottleUnavailable(_("El servicio está ocupado. Inténtelo de nuevo en unos minutos."))
    if count > rate.count:
        retry_after = int((window + 1) * rate.period_s - now) + 1
        raise Throttled(_("Demasiados intentos. Inténtelo de nuevo más tarde."), extra={"retry_after": retry_after})


def request_throttle(request, *, address_scope: str, keyed: dict[str, str] | None = None) -> None:
    """Count the request once for its client address and once per (scope, key) in `keyed`."""
    throttle_hit(scope=address_scope, key=client_address(request))
    for scope, key in (keyed or {}).items():
        if key:
            throttle_hit(scope=scope, key=key)


class AddressThrottle(BaseThrottle):
    """DRF throttle on the client address; the view names its scope (`throttle_scope`)."""

    def allow_request(self, request, view) -> bool:
        throttle_hit(scope=view.throttle_scope, key=client_address(request))
        return True

    def get_ident(self, request) -> str:
        return client_address(request)
