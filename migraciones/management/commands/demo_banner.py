"""Prints what to open and the demo sign-ins (from var/demo_credentials.json)."""
import json

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Muestra las direcciones del portal y las credenciales de demostración."

    def handle(self, *args, **options):
        path = settings.VAR_DIR / "demo_credentials.json"
        lines = [
            "",
            "MIGRACIONES portal: http://127.0.0.1:8000/",
            "  API docs:   http://127.0.0.1:8000/api/docs/",
            "  Health:     http://127.0.0.1:8000/healthz",
            "  Admin:      http://127.0.0.1:8000/admin/",
            f"  Simulators: http://{settings.SIMULATORS_HOST}:{settings.SIMULATORS_PORT}/",
            "",
        ]
        if path.exists():
            creds = json.loads(path.read_text())
            lines.append("Demo sign-ins (also in var/demo_credentials.json):")
            for entry in creds.get("users", []):
                extra = f"  TOTP secret (hex) {entry['totp_key_hex']}" if entry.get("totp_key_hex") else ""
                if entry.get("secret"):
                    extra = f"  secret {entry['secret']}"
                lines.append(f"  {entry['role']:<12} {entry['username']:<28} {entry['password']}{extra}")
            if any(e.get("totp_key_hex") for e in creds.get("users", [])):
                lines.append("  Officers: current TOTP code with  .venv/bin/python manage.py demo_totp USERNAME")
        self.stdout.write("\n".join(lines) + "\n")
