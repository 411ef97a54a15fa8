"""`python manage.py audit_checkpoint`: sign the audit chain's (count, head) into AUDIT_CHECKPOINT_DIR."""
import sys

from django.core.management.base import BaseCommand

from auditoria.services import ChainDiscontinuity, audit_checkpoint_create


class Command(BaseCommand):
    help = "Escribe un punto de control firmado (número de entradas y hash final) de la cadena de auditoría."

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint_create(actor="manage.py audit_checkpoint")
        except ChainDiscontinuity as exc:
            self.stdout.write(f"ROTA: la cadena no continúa el último punto de control ({exc}); no se firmó")
            sys.stdout.flush()
            sys.exit(1)
        self.stdout.write(f"OK: punto de control de {checkpoint.count} entradas (id={checkpoint.last_id}, "
                          f"hash {checkpoint.head[:16]}…)")
