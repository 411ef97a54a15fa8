"""`python manage.py audit_verify`: exit 0 if the audit chain is whole, else 1 and the first broken id."""
import sys

from django.core.management.base import BaseCommand

from auditoria.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verifica la cadena de hashes del registro de auditoría."

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if result.ok:
            self.stdout.write(f"OK: cadena íntegra, {result.checked} entradas verificadas")
            return
        self.stdout.write(f"ROTA: primera entrada inválida id={result.first_broken_id} ({result.reason})")
        sys.stdout.flush()
        sys.exit(1)
