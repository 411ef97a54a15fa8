"""`python manage.py trust_store import <file>... | list [--all] | expire <id>`: the eMRTD trust anchors.

import takes what ICAO's PKD and the states distribute: CSCA master lists (.ml; the list's own
signature and its signer are checked, and a list that fails is refused with the reason), CSCA
certificates (DER or PEM), CRLs (verified under a CSCA of the store) and PKD LDIF files. Each act
is audited. Control's passive authentication reads the store at once (no restart needed).
"""
import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from control.trust import trust_store, trust_store_expire, trust_store_import
from mrtd.errors import PKIError


def _day(moment) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "-"


class Command(BaseCommand):
    help = "Importa, lista y da de baja anclas de confianza eMRTD (listas maestras, CSCA, CRL)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="importar listas maestras, CSCA, CRL o LDIF del PKD")
        importing.add_argument("files", nargs="+", type=Path)
        listing = sub.add_parser("list", help="listar las anclas vigentes (--all: también las dadas de baja)")
        listing.add_argument("--all", action="store_true")
        expiring = sub.add_parser("expire", help="dar de baja un ancla, una lista maestra o una CRL por su id")
        expiring.add_argument("entry_id")

    def _actor(self) -> str:
        return f"comando:trust_store ({getpass.getuser()})"

    def handle(self, *args, **options):
        action = options["action"]
        if action == "import":
            for path in options["files"]:
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise CommandError(f"{path}: cannot read ({exc.strerror})") from None
                try:
                    report = trust_store_import(actor=self._actor(), data=data, source=path.name)
                except PKIError as exc:
                    raise CommandError(f"{path.name}: rechazado / refused: {exc}") from None
                self.stdout.write(report.summary())
                for record in report.master_lists:
                    self.stdout.write(f"  {record.id}: firmada por {record.signer}; firmante verificado por "
                                      f"{record.signer_verified_by}")
                for reason in report.skipped:
                    self.stdout.write(f"  omitido: {reason}")
        elif action == "list":
            self._list(show_all=options["all"])
        else:
            try:
                expired = trust_store_expire(actor=self._actor(), entry_id=options["entry_id"])
            except PKIError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"dados de baja: {len(expired)} ({', '.join(expired[:5])}"
                              f"{', ...' if len(expired) > 5 else ''})")

    def _list(self, *, show_all: bool) -> None:
        store = trust_store()
        now = timezone.now()
        if not len(store):
            self.stdout.write("almacén vacío: se confía en MRTD_PKI_DIR/masterlists/ y el CSCA del portal")
            return
        for record in store.master_lists.values():
            state = f"baja {_day(record.expires)}" if record.expires else "vigente"
            self.stdout.write(f"{record.id}  lista maestra {record.source}  {record.certificates} CSCA  "
                              f"añadida {_day(record.added)}  {state}")
        for anchor in sorted(store.anchors.values(), key=lambda a: (a.country or "", a.subject)):
            if anchor.withdrawn(now) and not show_all:
                continue
            state = f"baja {_day(anchor.expires)}" if anchor.withdrawn(now) else f"vence {_day(anchor.expiry)}"
            self.stdout.write(f"{anchor.id}  {anchor.country or '--'}  {anchor.subject}  clave {anchor.key_id}  "
                              f"origen {anchor.source}  añadido {_day(anchor.added)}  {state}")
        for crl in store.crls.values():
            state = f"baja {_day(crl.expires)}" if crl.expires else f"próxima {_day(crl.next_update)}"
            self.stdout.write(f"{crl.id}  CRL {crl.issuer} n.º {crl.number}  {crl.revoked} revocados  "
                              f"origen {crl.source}  {state}")
