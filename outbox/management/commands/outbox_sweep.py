"""Publish the outbox rows still pending (what the beat does every OUTBOX_SWEEP_INTERVAL_S)."""
from django.core.management.base import BaseCommand

from outbox import selectors, services


class Command(BaseCommand):
    help = "Publica las tareas pendientes de la bandeja de salida (tras una caída del broker)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=float, default=None,
                            help="solo filas con más de estos segundos (por defecto OUTBOX_SWEEP_AFTER_S)")

    def handle(self, *args, older_than=None, **options):
        result = services.outbox_publish_pending(older_than_s=older_than)
        pending = selectors.outbox_pending_count()
        self.stdout.write(f"publicadas {result['published']}, fallidas {result['failed']}, pendientes {pending}")
        if result["failed"]:
            raise SystemExit(1)
