"""What biometria gives the officers' person page (rim.hooks): the person's enrollments and cases, each with its page."""
import pytest
from django.urls import reverse

from biometria.selectors import person_records
from rim.hooks import person_records as all_sections

pytestmark = pytest.mark.django_db


def test_the_person_page_lists_each_enrollment_with_its_page(enroll, make_person, gallery_tmp):
    person = make_person()
    outcome = enroll(person, "biden.jpg")
    (record,) = person_records(person)
    assert str(record.kind) == "Enrolamiento biométrico" and record.status == "vigente"
    assert record.url == reverse("biometria:enrollment_detail", args=[outcome.enrollment.pk])
    assert "Sede Breña" in record.reference
    # and the section is registered for rim's page
    assert "biometria" in {section.key for section, _ in all_sections(person)}
