"""`python manage.py seed_demo [--persons N]`: offices, one sign-in per role, a demo registry."""
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cuentas import roles
from cuentas.models import Office
from cuentas.models import DeviceCredential
from cuentas.services import device_register, roles_ensure, user_role_add

OFFICES = [
    ("LIM-BRE", "Sede Breña", "Av. España 700, Breña", "Lima", 6),
    ("LIM-AIJCH", "Aeropuerto Internacional Jorge Chávez", "Av. Elmer Faucett s/n, Callao", "Callao", 4),
    ("ARE-CEN", "Sede Arequipa", "Calle Buenos Aires 111, Cayma", "Arequipa", 3),
    ("CUS-CEN", "Sede Cusco", "Av. El Sol 612", "Cusco", 2),
    ("TAC-CEN", "Sede Tacna", "Av. Bolognesi 1075", "Tacna", 3),
]

# The demo e-gate at Jorge Chávez airport signs its requests with these (see docs/EGATE_API.md).
DEMO_GATE = {"key_id": "GATE-AIJCH-01", "secret": "demo-gate-secret-aijch-01-0123456789abcdef", "crossing_point": "AIJCH"}

# Demo staff posted at the demo gate's crossing point, where the control pages act.
DEMO_CONTROL_STAFF = ("oficial.brena", "supervisor.brena")

# Fixed demo sign-ins (development only: seed_demo refuses to run in production).
DEMO_USERS = [
    {"role": roles.CITIZEN, "username": "70275722", "password": "Ciudadano-2026!", "dni": "70275722",
     "first_name": "JORGE ANTHONY", "last_name": "CARDENAS", "document_type": "DNI", "document_number": "70275722",
     "nationality": "PER", "email": "jorge.cardenas@example.pe"},
    {"role": roles.FOREIGNER, "username": "ana.rodriguez@example.com", "password": "Extranjera-2026!",
     "first_name": "ANA MARÍA", "last_name": "RODRÍGUEZ PÉREZ", "document_type": "PASAPORTE",
     "document_number": "VE1234567", "nationality": "VEN", "email": "ana.rodriguez@example.com"},
    # The Agencia Digital's demo foreigners (rim.demo): a resident worker due for a prórroga de residencia
    # and an Andean tourist; their accounts are tied to their RIM records as the link step would.
    {"role": roles.FOREIGNER, "username": "martin.fernandez@example.com", "password": "Extranjero-2026!",
     "first_name": "MARTÍN ALEJANDRO", "last_name": "FERNÁNDEZ SOSA", "document_type": "CE",
     "document_number": "901234567", "nationality": "ARG", "email": "martin.fernandez@example.com"},
    {"role": roles.FOREIGNER, "username": "camila.restrepo@example.com", "password": "Turista-2026!",
     "first_name": "CAMILA ANDREA", "last_name": "RESTREPO GÓMEZ", "document_type": "PASAPORTE",
     "document_number": "AO9012345", "nationality": "COL", "email": "camila.restrepo@example.com"},
    {"role": roles.OFFICER, "username": "oficial.brena", "password": "Oficial-2026!", "office": "LIM-BRE",
     "first_name": "LUCÍA", "last_name": "HUAMÁN TORRES", "email": "lhuaman@migraciones.gob.pe"},
    # A second officer of the sede: procedures with a second approval need another officer than the drafter.
    {"role": roles.OFFICER, "username": "oficial2.brena", "password": "Oficial2-2026!", "office": "LIM-BRE",
     "first_name": "JORGE", "last_name": "SALAS VEGA", "email": "jsalas@migraciones.gob.pe"},
    {"role": roles.SUPERVISOR, "username": "supervisor.brena", "password": "Supervisor-2026!", "office": "LIM-BRE",
     "first_name": "CARLOS", "last_name": "MENDOZA RÍOS", "email": "cmendoza@migraciones.gob.pe"},
    {"role": roles.INSTITUTION, "username": "banco.demo", "password": "Institucion-2026!",
     "first_name": "BANCO DEMO S.A.", "email": "cumplimiento@bancodemo.pe"},
]


class Command(BaseCommand):
    help = "Carga datos de demostración: sedes, un usuario por rol y un registro RIM."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=1000, help="personas en el RIM (por defecto 1000)")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, persons: int, seed: int, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo no se ejecuta en producción")
        roles_ensure()
        with transaction.atomic():
            offices = self._offices()
            from citas.loader import sedes_load

            sedes_load(actor="seed_demo")  # counters and the services each offers (citas/data/sedes_demo.json)
            creds = [self._user(spec, offices) for spec in DEMO_USERS]
            creds.append(self._gate(offices))
        from rim.demo import seed_registry

        stats = seed_registry(persons=persons, seed=seed)
        from control.demo import demo_entry_crossings

        demo_entry_crossings()  # the demo tourist's 90 days granted on entry (rim.demo made the entry)
        self._posts()
        self._buzon()
        self._tramites_links()
        path = settings.VAR_DIR / "demo_credentials.json"
        path.write_text(json.dumps({"users": creds}, indent=2, ensure_ascii=False))
        self.stdout.write(f"Demo listo: {len(offices)} sedes, {len(creds)} usuarios, registro: {stats}")
        self.stdout.write(f"Credenciales en {path}")

    def _offices(self) -> dict[str, Office]:
        out = {}
        for code, name, address, city, counters in OFFICES:
            out[code], _ = Office.objects.update_or_create(
                code=code, defaults=dict(name=name, address=address, city=city, counters=counters)
            )
        return out

    def _posts(self) -> None:
        """The demo officer and supervisor work at Jorge Chávez airport (control acts on one crossing point)."""
        from control.services import officer_post_assign

        for user in get_user_model().objects.filter(username__in=DEMO_CONTROL_STAFF):
            officer_post_assign(actor="seed_demo", user=user, crossing_point=DEMO_GATE["crossing_point"])

    def _gate(self, offices: dict[str, Office]) -> dict:
        if not DeviceCredential.objects.filter(key_id=DEMO_GATE["key_id"]).exists():
            device_register(key_id=DEMO_GATE["key_id"], secret=DEMO_GATE["secret"], office=offices["LIM-AIJCH"],
                            crossing_point=DEMO_GATE["crossing_point"], actor="seed_demo")
        return {"role": roles.DEVICE, "username": DEMO_GATE["key_id"], "password": "(firma HMAC)",
                "key_id": DEMO_GATE["key_id"], "secret": DEMO_GATE["secret"]}

    def _buzon(self) -> None:
        """The demo foreigner has a casilla electrónica with one notice in it (made once)."""
        from buzon.models import Casilla
        from buzon.services import casilla_accept, notice_deposit

        user = get_user_model().objects.get(username="ana.rodriguez@example.com")
        if Casilla.objects.filter(user=user).exists():
            return
        with transaction.atomic():
            casilla_accept(user=user, email=user.email, phone="987654321", accepted_terms=True, actor="seed_demo")
            notice_deposit(recipient=user, title="Bienvenida a su casilla electrónica",
                           body="Desde hoy, MIGRACIONES le notificará aquí las resoluciones de sus trámites.",
                           title_en="Welcome to your electronic mailbox",
                           body_en="From today, MIGRACIONES will notify you here of the decisions on your procedures.",
                           record_kind="demo.bienvenida", record_id=user.pk, actor="seed_demo")

    def _tramites_links(self) -> None:
        """Tie the demo foreigners' accounts to their RIM records (what tramites' link step does after the
        person proves document, birth date, nationality and last entry)."""
        from rim.models import Person

        links = {"ana.rodriguez@example.com": ("PASAPORTE_EXTRANJERO", "VE1234567"),
                 "martin.fernandez@example.com": ("CARNE_EXTRANJERIA", "901234567"),
                 "camila.restrepo@example.com": ("PASAPORTE_EXTRANJERO", "AO9012345")}
        for username, (kind, number) in links.items():
            person = Person.objects.filter(documents__kind=kind, documents__number=number).first()
            user = get_user_model().objects.filter(username=username).first()
            if person is not None and user is not None and person.user_id in (None, user.pk):
                Person.objects.filter(pk=person.pk).update(user=user)

    def _user(self, spec: dict, offices: dict[str, Office]) -> dict:
        User = get_user_model()
        fields = {k: v for k, v in spec.items() if k not in ("role", "password", "office", "username")}
        fields["office"] = offices.get(spec.get("office", ""))
        fields["email_verified"] = True
        fields["is_active"] = True
        fields["is_staff"] = spec["role"] in roles.STAFF_ROLES
        user, _ = User.objects.update_or_create(username=spec["username"], defaults=fields)
        user.set_password(spec["password"])
        user.save()
        user_role_add(user=user, role=spec["role"], actor="seed_demo")
        entry = {"role": spec["role"], "username": spec["username"], "password": spec["password"]}
        if spec["role"] in roles.STAFF_ROLES:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={"confirmed": True})
            entry["totp_key_hex"] = device.key
        return entry
