"""`python manage.py audit_verify`: exit 0 if the audit chain is whole and holds its latest signed
checkpoint, else 1 and why (first broken id, or shorter or rewritten than the checkpoint)."""
import sys

from django.core.management.base import BaseCommand

from auditoria.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verifica la cadena de hashes del registro de auditoría contra su último punto de control firmado."

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if result.ok:
            held = (f"; contiene el punto de control del {result.checkpoint.written_at} "
                    f"({result.checkpoint.count} entradas)" if result.checkpoint
                    else "; AVISO: no hay punto de control firmado (manage.py audit_checkpoint)")
            self.stdout.write(f"OK: cadena íntegra, {result.checked} entradas verificadas{held}")
            return
        where = f"primera entrada inválida id={result.first_broken_id} " if result.first_broken_id else ""
        self.stdout.write(f"ROTA: {where}({result.reason})")
        sys.stdout.flush()
        sys.exit(1)
