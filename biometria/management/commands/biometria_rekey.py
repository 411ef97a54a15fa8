"""`python manage.py biometria_rekey [--batch N] [--max-batches N]`: re-encrypt biometric blobs under the current key.

Put the new key first in BIOMETRIA_KEYS and keep the old one after it; run this (it may be stopped
and run again: each batch commits on its own); when it reports nothing remaining, drop the old key.
"""
import time

from django.core.management.base import BaseCommand, CommandError

from biometria.services import blobs_rekey


class Command(BaseCommand):
    help = "Recifra los datos biométricos con la clave vigente (la primera de BIOMETRIA_KEYS), por lotes, reanudable."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="filas por lote (cada lote se confirma solo)")
        parser.add_argument("--max-batches", type=int, default=None, help="detenerse tras N lotes (reanudable)")

    def handle(self, *args, **options):
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        started = time.monotonic()
        report = blobs_rekey(actor="comando:biometria_rekey", batch_size=options["batch"],
                             max_batches=options["max_batches"])
        from_text = ", ".join(f"{k}: {v}" for k, v in sorted(report.rekeyed_from.items())) or "-"
        left_text = ", ".join(f"{k}: {v}" for k, v in sorted(report.remaining.items())) or "0"
        self.stdout.write(
            f"clave vigente {report.current_key_id}: {report.rekeyed} recifrados ({from_text}) en "
            f"{report.batches} lotes, {time.monotonic() - started:.1f} s; ilegibles {report.unreadable}; "
            f"pendientes con otra clave: {left_text}")
        if report.unreadable:
            raise CommandError(f"{report.unreadable} blobs could not be decrypted with the configured keys")
