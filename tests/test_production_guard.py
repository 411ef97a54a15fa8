"""Production refuses what only development may use, and `check --deploy` is clean (issue 10, items 5 and 17).

Each case starts Django in a subprocess, as a deployment would, with one unsafe value.
"""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_PASSED_THROUGH = ("DJANGO_", "MIGRACIONES_ENV", "RENIEC_URL", "BANCO_NACION_URL", "PNP_URL", "INTERPOL_URL",
                   "SITE_URL", "TRUSTED_PROXIES", "SIMULATORS_")


def _run(code: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PASSED_THROUGH)}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def _start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return _run("import django; django.setup(); print('started')", env_overrides)


# A production configuration with values of its own (random, so `check --deploy` finds no weak key).
PRODUCTION = {
    "MIGRACIONES_ENV": "production", "DJANGO_SETTINGS_MODULE": "migraciones.settings",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "portal.migraciones.example",
    "SITE_URL": "https://portal.migraciones.example",
    "BANCO_NACION_NOTIFY_SECRET": secrets.token_hex(16),
    "BIOMETRIA_KEYS": "p1:" + "A" * 43 + "=", "DEVICE_SECRET_KEYS": "d1:" + "B" * 43 + "=",
    "AUDIT_HMAC_KEY": secrets.token_hex(32),
    "RENIEC_URL": "https://reniec.example.gob.pe/ws", "BANCO_NACION_URL": "https://pagos.bn.example/ws",
    "PNP_URL": "https://pnp.example.gob.pe/ws", "INTERPOL_URL": "https://i24-7.example.int/ws",
}


def test_production_starts_with_values_of_its_own():
    result = _start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("setting, development_value", [
    ("DJANGO_SECRET_KEY", "development-only-key-not-for-production-use-0123456789"),
    ("BIOMETRIA_KEYS", "dev1:ZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzLWxvbmchISE="),
    # the development key kept as a second (decrypting) key is as public as the first
    ("BIOMETRIA_KEYS", "p1:" + "A" * 43 + "=,old:ZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzLWxvbmchISE="),
    ("BANCO_NACION_NOTIFY_SECRET", "demo-bn-notify-secret"),
    ("DEVICE_SECRET_KEYS", "dev1:ZGV2aWNlLXNlY3JldHMtZGV2ZWxvcG1lbnQta2V5IQ=="),
    ("AUDIT_HMAC_KEY", "development-audit-hmac-key-not-for-production-0123456789"),
])
def test_production_refuses_the_repositorys_own_secrets(setting, development_value):
    # given a deployment that copied a value from the repository
    result = _start({**PRODUCTION, setting: development_value})
    # then it does not start, and says which setting without printing the value
    assert result.returncode != 0
    assert setting in result.stderr and "development value" in result.stderr
    assert development_value not in result.stderr


def test_production_refuses_a_wildcard_host():
    # ALLOWED_HOSTS=* lets a client choose the Host that links are built from
    result = _start({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "*"})
    assert result.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize("setting, url", [
    ("RENIEC_URL", "http://127.0.0.1:8700/reniec"),            # the embedded default
    ("PNP_URL", "http://simulators:8700/pnp"),                # the compose file's simulators service
    ("INTERPOL_URL", "https://[::1]/interpol"),              # loopback
    ("BANCO_NACION_URL", "https://bn.example:8700/pagos"),  # the simulators' port
    ("BANCO_NACION_URL", "https://bn.example/banco-nacion"),  # the simulator's path
    ("RENIEC_URL", "http://reniec.example.gob.pe/ws"),        # not https
])
def test_production_refuses_the_simulators_as_external_systems(setting, url):
    result = _start({**PRODUCTION, setting: url})
    assert result.returncode != 0 and setting in result.stderr


def test_production_refuses_to_start_without_a_site_url():
    env = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = _start(env)
    assert result.returncode != 0 and "SITE_URL" in result.stderr


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_check_deploy_is_clean_under_production_settings(behind_proxy):
    # given production settings (with or without the documented TLS proxy in front)
    env = {**PRODUCTION, "TRUSTED_PROXIES": "1" if behind_proxy else "0"}
    result = _run("import django, sys; django.setup(); from django.core.management import call_command; "
                  "call_command('check', deploy=True, fail_level='WARNING')", env)
    # then Django's deployment checklist has nothing to say
    assert result.returncode == 0, result.stderr + result.stdout


def test_the_forwarded_proto_header_is_trusted_only_behind_the_documented_proxy():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))")
    without = _run(code, {**PRODUCTION, "TRUSTED_PROXIES": "0"})
    behind = _run(code, {**PRODUCTION, "TRUSTED_PROXIES": "1"})
    assert without.stdout.strip() == "None", without.stderr
    assert "HTTP_X_FORWARDED_PROTO" in behind.stdout, behind.stderr
