"""What tam gives the officers' person page (rim.hooks): the person's TAMs, each reaching its control."""
import pytest
from django.urls import reverse

from tam.selectors import person_records

pytestmark = pytest.mark.django_db


def test_the_persons_tam_is_listed_for_the_officers_person_page(tam):
    (record,) = person_records(tam.crossing.person_id)
    assert tam.number in record.reference and record.url == reverse("control:crossing", args=[tam.crossing_id])
    assert record.status == "entrada"
