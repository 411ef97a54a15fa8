"""`python manage.py egate_device --mrz L1 L2 [--chip DIR | --reader NAME] --face IMG --direction ENTRY|EXIT [--url URL]`:
behaves as a real e-gate, signing and sending one verification over HTTP and printing the answer.
With `--reader` it reads the chip over PC/SC as a gate does: PACE or BAC from the printed MRZ, Chip
Authentication, and Active Authentication with a one-time challenge asked of the portal first."""
import json
import os
import uuid
from pathlib import Path

import requests
from django.core.management.base import BaseCommand, CommandError

from egates.client import (VERIFICATIONS_PATH, GateCredentials, challenge_fetch, post_signed, verification_body,
                           verification_body_from_read)
from mrtd.errors import LDSError

# The demo gate that `seed_demo` registers at Jorge Chávez (development data, not a real secret).
DEMO_KEY_ID = "GATE-AIJCH-01"
DEMO_SECRET = "demo-gate-secret-aijch-01-0123456789abcdef"


class Command(BaseCommand):
    help = "Actúa como una puerta electrónica: firma y envía una verificación y muestra la respuesta en JSON."

    def add_arguments(self, parser):
        parser.add_argument("--mrz", nargs="+", required=True, help="líneas de la MRZ impresa")
        parser.add_argument("--chip", type=Path, help="carpeta con DG1.bin, DG2.bin y EF_SOD.bin leídos del chip")
        parser.add_argument("--reader", help="lector PC/SC del que leer el chip (con autenticación activa y de chip)")
        parser.add_argument("--face", type=Path, help="foto del rostro en vivo (JPEG o PNG)")
        parser.add_argument("--direction", choices=["ENTRY", "EXIT"], required=True)
        parser.add_argument("--url", default=os.environ.get("EGATE_URL", "http://127.0.0.1:8000"))
        parser.add_argument("--key-id", default=os.environ.get("EGATE_KEY_ID", DEMO_KEY_ID))
        parser.add_argument("--secret", default=os.environ.get("EGATE_SECRET", DEMO_SECRET))
        parser.add_argument("--flight", default="")
        parser.add_argument("--origin", default="")
        parser.add_argument("--destination", default="")
        parser.add_argument("--idempotency-key", default=None,
                            help="clave de idempotencia (por defecto una nueva por envío)")
        parser.add_argument("--timeout", type=float, default=10.0)
        # For device makers testing their implementation (and the portal's refusals): a fixed
        # timestamp (Unix seconds) or nonce instead of the current time and a random one.
        parser.add_argument("--timestamp", type=int, default=None, help="X-Timestamp fijo (segundos Unix)")
        parser.add_argument("--nonce", default=None, help="X-Nonce fijo (al menos 16 caracteres)")

    def handle(self, *args, **opts):
        face = self._read(opts["face"], "--face") if opts["face"] else None
        boarding = {k: opts[k] for k in ("flight", "origin", "destination") if opts[k]}
        credentials = GateCredentials(opts["key_id"], opts["secret"])
        if opts["reader"]:
            body = self._read_chip(opts, credentials, face, boarding)
        else:
            try:
                body = verification_body(direction=opts["direction"], mrz=opts["mrz"], face=face,
                                         chip_dir=opts["chip"], boarding=boarding or None)
            except LDSError as exc:
                raise CommandError(f"--chip: {exc}") from exc
        try:
            response = post_signed(opts["url"], VERIFICATIONS_PATH, body, credentials,
                                   idempotency_key=opts["idempotency_key"] or str(uuid.uuid4()),
                                   timeout=opts["timeout"], timestamp=opts["timestamp"], nonce=opts["nonce"])
        except requests.RequestException as exc:
            raise CommandError(f"no se pudo conectar con {opts['url']}: {exc}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = {"error": "not_json", "message": response.text[:500]}
        self.stdout.write(json.dumps({"http_status": response.status_code, **answer}, ensure_ascii=False, indent=2))
        if response.status_code >= 400:
            raise CommandError(f"HTTP {response.status_code}")

    @staticmethod
    def _read_chip(opts, credentials: GateCredentials, face: bytes | None, boarding: dict) -> bytes:
        from mrtd.errors import MRTDError
        from mrtd.reader import read_chip

        try:
            challenge = challenge_fetch(opts["url"], credentials, timeout=opts["timeout"])
        except requests.RequestException as exc:
            raise CommandError(f"no se obtuvo el desafío de {opts['url']}: {exc}") from exc
        try:
            read = read_chip(mrz_lines=opts["mrz"], reader_name=opts["reader"], run_pa=False,
                             aa_challenge=bytes.fromhex(challenge))
        except MRTDError as exc:
            raise CommandError(f"--reader: {exc}") from exc
        return verification_body_from_read(direction=opts["direction"], mrz=opts["mrz"], face=face, read=read,
                                           challenge=challenge, boarding=boarding or None)

    @staticmethod
    def _read(path: Path, flag: str) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{flag}: {exc.strerror}: {path}") from exc
