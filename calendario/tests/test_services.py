"""Deadlines on the shipped 2025 and 2026 calendars. Every expected date was worked out by hand on the
real calendar (1 Jan 2026 is a Thursday) and is written here, never computed by the code under test."""
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendario.errors import CalendarYearNotLoaded
from calendario.services import (
    add_business_days,
    business_days_between,
    deadline_after_notification,
    deadline_calendar_days,
    is_business_day,
    next_business_days,
    roll_forward,
)
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

D = dt.date
LORETO, CUSCO, LIMA = "16", "08", "15"


def test_holidays_weekends_and_the_public_sector_day_are_not_business_days():
    # given the shipped 2026 calendar, then
    assert is_business_day(D(2025, 12, 31))          # Wednesday, an ordinary day
    assert not is_business_day(D(2026, 1, 1))        # Thursday, Año Nuevo
    assert not is_business_day(D(2026, 1, 2))        # Friday, public sector (DS 042-2025-PCM)
    assert not is_business_day(D(2026, 1, 3))        # Saturday
    assert is_business_day(D(2026, 1, 5))            # Monday
    assert not is_business_day(D(2026, 4, 2)) and not is_business_day(D(2026, 4, 3))  # Jueves/Viernes Santo
    assert not is_business_day(D(2026, 7, 23))       # Thursday, Día de la Fuerza Aérea
    assert not is_business_day(D(2026, 7, 28)) and not is_business_day(D(2026, 7, 29))
    assert is_business_day(D(2026, 7, 24)) and is_business_day(D(2026, 7, 30))


def test_notified_on_new_years_eve_the_count_skips_1_and_2_january():
    # given a notice notified on Wednesday 31 Dec 2025 with 5 business days to answer
    # when the deadline is computed: Thu 1 Jan is a holiday, Fri 2 Jan is a public-sector
    # non-working day, so the first counted day is Mon 5 Jan (5, 6, 7, 8, 9)
    assert deadline_after_notification(D(2025, 12, 31), 5) == D(2026, 1, 9)
    assert add_business_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert next_business_days(D(2025, 12, 31), 3) == [D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 7)]
    assert business_days_between(D(2025, 12, 31), D(2026, 1, 9)) == 5


def test_a_deadline_across_jueves_and_viernes_santo_2026():
    # notified Tue 31 Mar: Wed 1 Apr (1), Thu 2 and Fri 3 holidays, Mon 6 (2), Tue 7 (3), Wed 8 (4), Thu 9 (5)
    assert deadline_after_notification(D(2026, 3, 31), 5) == D(2026, 4, 9)
    assert add_business_days(D(2026, 4, 1), 1) == D(2026, 4, 6)
    assert next_business_days(D(2026, 4, 1), 3) == [D(2026, 4, 6), D(2026, 4, 7), D(2026, 4, 8)]
    assert business_days_between(D(2026, 3, 31), D(2026, 4, 9)) == 5
    assert business_days_between(D(2026, 4, 1), D(2026, 4, 5)) == 0


def test_7_june_2026_is_a_sunday_so_it_moves_nothing():
    # The Flag Day holiday falls on a Sunday in 2026 and is not moved: Monday 8 June is a business day.
    assert D(2026, 6, 7).weekday() == 6
    assert not is_business_day(D(2026, 6, 7))
    assert is_business_day(D(2026, 6, 8))
    # notified Fri 5 Jun, 1 day: Mon 8; notified Thu 4 Jun, 3 days: Fri 5, Mon 8, Tue 9
    assert add_business_days(D(2026, 6, 5), 1) == D(2026, 6, 8)
    assert deadline_after_notification(D(2026, 6, 4), 3) == D(2026, 6, 9)


def test_a_deadline_across_23_july_and_fiestas_patrias_2026():
    # notified Wed 22 Jul, 5 days: Thu 23 holiday, Fri 24 (1), Mon 27 (2), Tue 28 and Wed 29 holidays,
    # Thu 30 (3), Fri 31 (4), Mon 3 Aug (5)
    assert deadline_after_notification(D(2026, 7, 22), 5) == D(2026, 8, 3)
    assert business_days_between(D(2026, 7, 22), D(2026, 8, 3)) == 5
    # an appeal term of 15 days also skips Thu 6 Aug (Batalla de Junín): Tue 18 Aug
    assert deadline_after_notification(D(2026, 7, 22), 15) == D(2026, 8, 18)


def test_the_2025_public_sector_days_of_ds_042_2025_pcm():
    # Fri 2 May 2025 (after Labour Day) and Fri 26 Dec 2025 (after Christmas) are non-working
    assert not is_business_day(D(2025, 5, 2)) and not is_business_day(D(2025, 12, 26))
    assert add_business_days(D(2025, 4, 30), 1) == D(2025, 5, 5)
    # notified Tue 23 Dec 2025, 3 days: Wed 24 (1), Thu 25 and Fri 26 closed, Mon 29 (2), Tue 30 (3)
    assert deadline_after_notification(D(2025, 12, 23), 3) == D(2025, 12, 30)
    # Semana Santa 2025: Thu 17 and Fri 18 April
    assert add_business_days(D(2025, 4, 16), 1) == D(2025, 4, 21)


def test_a_deadline_that_lands_on_a_non_working_day_moves_to_the_next_business_day():
    assert roll_forward(D(2026, 4, 2)) == D(2026, 4, 6)        # Jueves Santo -> Monday
    assert roll_forward(D(2026, 1, 1)) == D(2026, 1, 5)        # Año Nuevo, then the public-sector Friday
    assert roll_forward(D(2026, 1, 31)) == D(2026, 2, 2)       # Saturday -> Monday
    assert roll_forward(D(2026, 4, 6)) == D(2026, 4, 6)        # a business day stays
    # 30 calendar days from Mon 29 Jun is Wed 29 Jul (Fiestas Patrias): Thu 30 Jul
    assert deadline_calendar_days(D(2026, 6, 29), 30) == D(2026, 7, 30)
    # 2 calendar days from Sat 27 Jun is Mon 29 Jun (San Pedro y San Pablo): Tue 30 Jun
    assert deadline_calendar_days(D(2026, 6, 27), 2) == D(2026, 6, 30)
    assert deadline_calendar_days(D(2026, 6, 24), 0) == D(2026, 6, 24)


def test_a_regional_holiday_counts_only_for_its_region():
    # 24 Jun 2026 (Wednesday) is San Juan in Loreto and Inti Raymi in Cusco, an ordinary day in Lima
    assert is_business_day(D(2026, 6, 24))
    assert is_business_day(D(2026, 6, 24), region=LIMA)
    assert not is_business_day(D(2026, 6, 24), region=LORETO)
    assert not is_business_day(D(2026, 6, 24), region=CUSCO)
    # notified Tue 23 Jun, 1 day: Wed 24 nationally, Thu 25 in Loreto
    assert add_business_days(D(2026, 6, 23), 1) == D(2026, 6, 24)
    assert add_business_days(D(2026, 6, 23), 1, region=LORETO) == D(2026, 6, 25)
    # notified Mon 22 Jun, 5 days (Mon 29 Jun is a national holiday): Tue 30 Jun; in Loreto Wed 1 Jul
    assert deadline_after_notification(D(2026, 6, 22), 5) == D(2026, 6, 30)
    assert deadline_after_notification(D(2026, 6, 22), 5, region=LORETO) == D(2026, 7, 1)
    assert business_days_between(D(2026, 6, 22), D(2026, 7, 1), region=LORETO) == 5
    assert business_days_between(D(2026, 6, 22), D(2026, 7, 1)) == 6
    assert roll_forward(D(2026, 6, 24), region=LORETO) == D(2026, 6, 25)
    assert next_business_days(D(2026, 6, 23), 2, region=CUSCO) == [D(2026, 6, 25), D(2026, 6, 26)]
    # "" is the same as no region (a sede without one)
    assert is_business_day(D(2026, 6, 24), region="")


def test_a_year_that_is_not_loaded_is_refused_not_counted():
    # given no calendar for 2030, then every question about it is refused with the year named
    with pytest.raises(CalendarYearNotLoaded) as refused:
        is_business_day(D(2030, 3, 4))
    assert refused.value.year == 2030 and refused.value.status == 503
    assert "2030" in refused.value.message and "calendario_load" in refused.value.message
    with pytest.raises(CalendarYearNotLoaded):
        is_business_day(D(2030, 3, 2))  # even a Saturday: nothing is answered about an unloaded year
    # and a count that runs into 2028 (not shipped) stops there: Thu 30 Dec 2027 + 5 reaches January 2028
    with pytest.raises(CalendarYearNotLoaded) as refused:
        add_business_days(D(2027, 12, 30), 5)
    assert refused.value.year == 2028
    assert add_business_days(D(2027, 12, 30), 1) == D(2027, 12, 31)


def test_the_2027_calendar_ships_with_its_holidays():
    # given the shipped 2027 file: a notice of Wed 30 Dec 2026 counts across New Year into 2027
    assert add_business_days(D(2026, 12, 30), 5) == D(2027, 1, 7)
    # Jueves and Viernes Santo 2027 (Easter on 28 March) and Fiestas Patrias are not business days
    assert not is_business_day(D(2027, 3, 25)) and not is_business_day(D(2027, 3, 26))
    assert add_business_days(D(2027, 3, 24), 1) == D(2027, 3, 29)
    assert not is_business_day(D(2027, 7, 28)) and not is_business_day(D(2027, 7, 29))
    # Inti Raymi closes Cusco only
    assert not is_business_day(D(2027, 6, 24), region="08") and is_business_day(D(2027, 6, 24), region="15")


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValidationFailed) as refused:
        add_business_days(D(2026, 3, 2), 0)
    assert "n" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        is_business_day(D(2026, 3, 2), region="99")
    assert "region" in refused.value.fields
    with pytest.raises(ValidationFailed):
        deadline_calendar_days(D(2026, 3, 2), -1)
    with pytest.raises(TypeError, match="localdate"):
        is_business_day(dt.datetime(2026, 3, 2, 12, 0))
    assert next_business_days(D(2026, 3, 2), 0) == []
    assert business_days_between(D(2026, 4, 9), D(2026, 3, 31)) == 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 11, 30)),
       n=st.integers(min_value=1, max_value=20),
       region=st.sampled_from([None, LORETO, CUSCO, LIMA]))
def test_business_days_between_agrees_with_add_business_days(start, n, region):
    end = add_business_days(start, n, region=region)
    assert is_business_day(end, region=region)
    assert business_days_between(start, end, region=region) == n
    assert business_days_between(start, end - dt.timedelta(days=1), region=region) == n - 1
    assert next_business_days(start, n, region=region)[-1] == end
    assert roll_forward(end, region=region) == end
