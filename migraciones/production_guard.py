"""Production refuses to start with what only development may use: the repository's own secrets,
a wildcard host, and the simulators as the external systems."""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Setting -> environment variable that sets it (for the message).
_ENV_NAMES = {"SECRET_KEY": "DJANGO_SECRET_KEY"}
# The external systems and the path each one's simulator serves (integraciones.simulators.PREFIXES).
EXTERNAL_SYSTEMS = {"RENIEC_URL": "/reniec", "BANCO_NACION_URL": "/banco-nacion", "PNP_URL": "/pnp",
                    "INTERPOL_URL": "/interpol"}


def _secret_parts(value: str) -> set[str]:
    """The value and, for key lists ("id:base64,id2:base64"), each key's own secret."""
    parts = {value}
    for entry in value.split(","):
        _key_id, sep, secret = entry.strip().partition(":")
        if sep and secret:
            parts.add(secret)
    return {p for p in parts if p}


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "0.0.0.0") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_unsafe_settings(s: Mapping[str, Any]) -> None:
    """Raise ImproperlyConfigured naming the first unsafe setting (and never printing its value)."""
    for name, development_value in s.get("DEVELOPMENT_VALUES", {}).items():
        setting = name.removeprefix("DJANGO_")
        current = str(s.get(setting) or "")
        if current and _secret_parts(current) & _secret_parts(development_value):
            raise ImproperlyConfigured(
                f"{_ENV_NAMES.get(setting, setting)} holds the development value that ships in the "
                "repository: set a secret of your own in production")
    hosts = s.get("ALLOWED_HOSTS", [])
    if any("*" in host for host in hosts):
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the portal's host names in production, not '*'")
    simulators = (str(s.get("SIMULATORS_HOST", "")), int(s.get("SIMULATORS_PORT") or 0))
    for setting, simulator_path in EXTERNAL_SYSTEMS.items():
        url = urlsplit(str(s.get(setting, "")))
        host, port = (url.hostname or ""), url.port
        if (url.scheme != "https" or _is_loopback(host) or (host, port) == simulators
                or port == simulators[1] or host == "simulators"
                or url.path.rstrip("/") == simulator_path):
            raise ImproperlyConfigured(
                f"{setting} points at a simulator or is not https: production needs the real service")
