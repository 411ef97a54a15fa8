"""Production mode refuses to start without its secrets or with DEBUG on."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MIGRACIONES_ENV"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


GOOD = {
    "MIGRACIONES_ENV": "production", "DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "portal.example",
    "BANCO_NACION_NOTIFY_SECRET": "s", "BIOMETRIA_KEYS": "p1:" + "A" * 43 + "=", "DJANGO_SETTINGS_MODULE": "migraciones.settings",
    "AUDIT_HMAC_KEY": "a" * 40,
    "DEVICE_SECRET_KEYS": "d1:" + "B" * 43 + "=", "SITE_URL": "https://portal.example",
    "RENIEC_URL": "https://reniec.example/api", "BANCO_NACION_URL": "https://bn.example/api",
    "PNP_URL": "https://pnp.example/api", "INTERPOL_URL": "https://interpol.example/api",
}


@pytest.mark.parametrize("change, message", [
    ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
    ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
    ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
])
def test_production_refuses_to_start_without_its_settings(change, message):
    result = _start({**GOOD, **change})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_its_settings():
    result = _start(GOOD)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
