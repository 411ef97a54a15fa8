"""factory_boy factories for RIM records (search_name kept in step with the names)."""
import datetime as dt

import factory
from django.utils import timezone

from rim.models import Alert, CrossingPoint, IdentityDocument, Person
from rim.normalize import normalize_name


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_names = "María del Carmen"
    first_surname = "Quispe"
    second_surname = "Huamán"
    search_name = factory.LazyAttribute(
        lambda p: normalize_name(f"{p.given_names} {p.first_surname} {p.second_surname}")
    )
    birth_date = dt.date(1985, 4, 17)
    sex = Person.Sex.FEMALE
    nationality = "PER"


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    person = factory.SubFactory(PersonFactory)
    kind = IdentityDocument.Kind.DNI
    number = factory.Sequence(lambda n: f"{41000000 + n:08d}")
    issuing_state = "PER"
    issue_date = dt.date(2020, 1, 10)
    expiry_date = dt.date(2028, 1, 10)


class CrossingPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrossingPoint
        django_get_or_create = ("code",)

    code = "AIJCH"
    name = "Aeropuerto Internacional Jorge Chávez"
    kind = CrossingPoint.Kind.AIRPORT
    ubigeo = "070101"


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    source = Alert.Source.PNP
    kind = Alert.Kind.REQUISITORIA
    active_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    reason = "Requisitoria por prueba"
