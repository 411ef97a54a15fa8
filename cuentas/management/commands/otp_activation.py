"""`python manage.py otp_activation USERNAME [--hours 24]`: a one-time code to enroll a staff member's
authenticator (for the first supervisor of a sede, or when no supervisor can sign in)."""
import datetime as dt
import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cuentas.services import otp_activation_issue
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Emite un código de activación de un solo uso para el segundo factor de un servidor."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=float, default=24.0, help="vigencia en horas (por defecto 24)")

    def handle(self, *args, username: str, hours: float, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no existe el usuario {username}")
        if not 0 < hours <= 72:
            raise CommandError("--hours va de 0 a 72")
        operator = f"manage.py otp_activation ({getpass.getuser()})"
        try:
            code = otp_activation_issue(user=user, actor=operator, ttl=dt.timedelta(hours=hours))
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(code)
