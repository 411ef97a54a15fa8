"""Create a sede's turns of one service for its next N business days (calendario, the sede's region)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calendario.errors import CalendarYearNotLoaded
from calendario.services import next_business_days
from citas.models import Service
from citas.services import sede_region, slots_generate
from cuentas.models import Office


class Command(BaseCommand):
    help = "Crea los turnos de una sede y un servicio para los próximos N días hábiles."

    def add_arguments(self, parser):
        parser.add_argument("sede", help="código de la sede (cuentas.Office.code)")
        parser.add_argument("service", choices=Service.values)
        parser.add_argument("--days", type=int, default=20, help="días hábiles desde hoy")

    def handle(self, *args, sede: str, service: str, days: int, **options):
        office = Office.objects.filter(code=sede).first()
        if office is None:
            raise CommandError(f"sede desconocida: {sede}")
        start = timezone.localdate()
        try:
            business = next_business_days(start, days, region=sede_region(office) or None)
        except CalendarYearNotLoaded as exc:
            raise CommandError(str(exc)) from exc
        if not business:
            raise CommandError("--days debe ser mayor que 0")
        created = slots_generate(office=office, service=service, days=business)
        self.stdout.write(f"{created} turnos en {len(business)} días hábiles ({business[0]} .. {business[-1]})")
