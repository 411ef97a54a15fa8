"""The calendar's own error: a year without its calendar cannot be counted (core.errors family)."""
from django.utils.translation import gettext as _

from core.errors import ApplicationError


class CalendarYearNotLoaded(ApplicationError):
    """Counting business days in a year whose calendar file was never loaded.

    Counting every weekday as working would give a legal deadline that is wrong, so nothing is
    counted: the operator loads the year (`manage.py calendario_load <year>`) and the call succeeds.
    """

    status, code = 503, "calendar_year_not_loaded"

    def __init__(self, year: int):
        super().__init__(
            _("El calendario de días hábiles de %(year)s no está cargado: no se puede calcular el plazo. "
              "Cárguelo con «manage.py calendario_load %(year)s».") % {"year": year},
            extra={"year": year},
        )
        self.year = year
