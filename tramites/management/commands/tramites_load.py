"""Load tramites/data/procedures.toml: a changed procedure becomes a new version (cases keep theirs)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from auditoria.services import audit_record
from tramites.audit_actions import AuditAction
from tramites.catalogue import CatalogueError, catalogue_sync, read_catalogue
from tramites.models import ProcedureType


class Command(BaseCommand):
    help = "Carga el catálogo de trámites (tramites/data/procedures.toml) como versiones."

    def handle(self, *args, **options):
        try:
            entries = read_catalogue()
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            counts = catalogue_sync(entries, model=ProcedureType)
            if counts["created"] or counts["retired"]:
                audit_record(actor="system:tramites_load", action=AuditAction.CATALOGUE_LOAD,
                             object_type="tramites.proceduretype", object_id="catalogue", details=counts)
        self.stdout.write(f"trámites: {counts['created']} nuevas versiones, {counts['unchanged']} sin cambios, "
                          f"{counts['retired']} retirados")
