"""factory_boy factories for the domain. Fictional people only: numbers get computed check digits."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from rattvag.accounts.models import Municipality, Partner, PartnerKind, Role, Unit, User
from rattvag.clients.models import Case, Client
from rattvag.clients.personal_numbers import luhn_check_digit


def make_personal_number(birth: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """A valid 12-digit number for a birth date and a three-digit serial."""
    day = birth.day + (60 if coordination else 0)
    core = f"{birth:%y%m}{day:02d}{serial % 1000:03d}"
    return f"{birth.year:04d}{birth:%m}{day:02d}{serial % 1000:03d}{luhn_check_digit(core)}"


def sequential_personal_number(n: int) -> str:
    """The n-th fictional number: birth dates from 1960 that wrap before reaching today; serial
    000 is never issued, so serials run 001-999."""
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n * 37) % 18000)
    return make_personal_number(birth, n % 999 + 1)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"M{n:03d}")
    name = factory.Sequence(lambda n: f"Kommun {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Enhet {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = PartnerKind.FK


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    role = Role.CASEWORKER
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def units(self, create: bool, extracted: list[Unit] | None, **kwargs: object) -> None:
        if create and extracted:
            self.units.set(extracted)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    municipality = factory.SubFactory(MunicipalityFactory)
    personal_number = factory.Sequence(lambda n: sequential_personal_number(n))
    # Unique, unmistakable names: tests that check a name is NOT on a page must not be fooled by a
    # staff member who happens to share a generated name ("x" ends the number: 1x is not in 12x).
    first_name = factory.Sequence(lambda n: f"Klientförnamn{n}x")
    last_name = factory.Sequence(lambda n: f"Klientefternamn{n}x")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    client = factory.SubFactory(ClientFactory)
    unit = factory.SubFactory(UnitFactory)
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
