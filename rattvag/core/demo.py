"""Demo data: two municipalities, their units, partners, one user of every role and ~150 fictional clients.

Everything is deterministic: the organisation is fixed, and the clients come from a fixed
`random.Random(DEMO_SEED)`, so every run builds the same people (dates are offsets from today
so that the worklists look alive). Users are created through `provision()`, clients through
`client_create()` and closures through `case_close()`, so the audit chain is written the
ordinary way. A second run finds the data and adds nothing.

The people are invented. Names come from fixed lists; personal identity numbers have valid
dates and check digits and use birth numbers 980-999; phone numbers are from the series the
Swedish Post and Telecom Authority (PTS) reserves for fiction (070-174 06 05 - 070-174 06 99).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from rattvag.accounts.models import Role, Unit, User
from rattvag.accounts.provisioning import provision
from rattvag.clients.models import Client, Outcome
from rattvag.clients.personal_numbers import luhn_check_digit
from rattvag.clients.services import case_assign_nurse, case_close, client_create

DEMO_SEED = 2026
DEMO_PASSWORD = "RattVag-demo-2026"  # noqa: S105 - shared by the demo users, printed at the end on purpose
DEMO_CLIENT_COUNT = 150
DEMO_MUNICIPALITY_CODES = ("1380", "1381")

# unit code -> (username of the caseworker who registers its clients, relative weight, city, postal codes)
_UNIT_PLAN: dict[str, tuple[str, int, str, tuple[int, int]]] = {
    "HAL-EB": ("handlaggare", 7, "Halmstad", (30230, 30295)),
    "HAL-AB": ("handlaggare2", 4, "Halmstad", (30240, 30260)),
    "LAH-EB": ("handlaggare-laholm", 4, "Laholm", (31230, 31260)),
}
_NURSE_UNIT = "HAL-EB"
_NURSE_USERNAME = "sjukskoterska"


def demo_provisioning_data(password: str = DEMO_PASSWORD) -> dict[str, Any]:
    """The demo organisation and users in the provisioning format (docs/provisioning.md)."""

    def user(username: str, name: str, role: Role, **extra: Any) -> dict[str, Any]:
        return {"username": username, "name": name, "role": str(role), "password": password, "is_demo": True, **extra}

    return {
        "municipalities": [
            {"code": "1380", "name": "Halmstad"},
            {"code": "1381", "name": "Laholm"},
        ],
        "units": [
            {"code": "HAL-EB", "name": "Ekonomiskt bistånd Halmstad", "municipality": "1380"},
            {"code": "HAL-AB", "name": "Stadsdel Andersberg", "municipality": "1380"},
            {"code": "LAH-EB", "name": "Ekonomiskt bistånd Laholm", "municipality": "1381"},
        ],
        "partners": [
            {"code": "FK-HALLAND", "name": "Försäkringskassan Halland", "kind": "fk"},
            {"code": "VC-ANDERSBERG", "name": "Vårdcentralen Andersberg", "kind": "care_unit"},
            {"code": "VC-LAHOLM", "name": "Vårdcentralen Laholm", "kind": "care_unit"},
            {"code": "AF-HALMSTAD", "name": "Arbetsförmedlingen Halmstad", "kind": "af"},
            {"code": "AME-HALMSTAD", "name": "Arbetsmarknadsenheten Halmstad", "kind": "ame"},
        ],
        "users": [
            user("handlaggare", "Anna Lindqvist", Role.CASEWORKER, units=["HAL-EB"]),
            user("handlaggare2", "Johan Bergström", Role.CASEWORKER, units=["HAL-AB"]),
            user("handlaggare-laholm", "Sara Holmgren", Role.CASEWORKER, units=["LAH-EB"]),
            user("sjukskoterska", "Maria Ek", Role.NURSE, units=["HAL-EB"]),
            user("enhetschef", "Karin Sjöberg", Role.UNIT_MANAGER, units=["HAL-EB", "HAL-AB"]),
            user("analytiker", "Peter Nyström", Role.ANALYST, units=["HAL-EB", "HAL-AB", "LAH-EB"]),
            user("fk-handlaggare", "Lena Forsberg", Role.PARTNER_OFFICER, partner="FK-HALLAND"),
            user("statistik", "Eva Lundin", Role.AGGREGATE_VIEWER),
            user("admin", "Mats Öberg", Role.ADMIN),
        ],
    }


_FEMALE_NAMES = (
    "Agnes", "Alva", "Amina", "Anette", "Anneli", "Astrid", "Aya", "Camilla", "Carina", "Elin", "Elsa", "Emma",
    "Fatima", "Hanna", "Helena", "Ida", "Ingrid", "Jenny", "Johanna", "Karolina", "Leila", "Linda", "Linnea",
    "Lisa", "Maja", "Malin", "Marie", "Matilda", "Nadia", "Petra", "Sanna", "Sofia", "Susanne", "Therese",
    "Ulrika", "Yasmin",
)  # fmt: skip
_MALE_NAMES = (
    "Adam", "Ahmed", "Alexander", "Ali", "Anders", "Andreas", "Björn", "Daniel", "David", "Emil", "Erik",
    "Fredrik", "Göran", "Hassan", "Henrik", "Jonas", "Kristian", "Lars", "Magnus", "Marcus", "Martin", "Mattias",
    "Mikael", "Mohammed", "Niklas", "Ola", "Omar", "Patrik", "Rasmus", "Robert", "Stefan", "Thomas", "Tobias",
    "Ulf", "Viktor", "Yusuf",
)  # fmt: skip
_SURNAMES = (
    "Abdi", "Andersson", "Axelsson", "Berg", "Bengtsson", "Blom", "Dahl", "Ekström", "Engström", "Falk",
    "Fredriksson", "Gustafsson", "Hansson", "Hedlund", "Holm", "Isaksson", "Jakobsson", "Johansson", "Jonsson",
    "Karlsson", "Larsson", "Lindberg", "Lund", "Magnusson", "Mattsson", "Mohamud", "Nilsson", "Nordin", "Olsson",
    "Persson", "Petersson", "Rahimi", "Sandberg", "Sundqvist", "Svensson", "Wallin", "Wikström", "Yilmaz",
)  # fmt: skip
_STREETS = (
    "Storgatan", "Kungsgatan", "Norra vägen", "Laholmsvägen", "Bäckagårdsvägen", "Linjegatan", "Skolgatan",
    "Trädgårdsgatan", "Ängsvägen", "Västra Förstadsgatan", "Tallvägen", "Kyrkogatan",
)  # fmt: skip
_OUTCOME_WEIGHTS = {
    Outcome.WORK: 8,
    Outcome.STUDIES: 4,
    Outcome.SICKNESS_BENEFIT: 6,
    Outcome.SICKNESS_COMPENSATION: 6,
    Outcome.ACTIVITY_COMPENSATION: 2,
    Outcome.OTHER_SUPPORT: 4,
    Outcome.MOVED: 3,
    Outcome.OTHER: 2,
}


def fictional_personal_number(birth: datetime.date, serial: int, *, coordination: bool = False) -> str:
    """12 digits with a valid check digit; a coordination number has the day plus 60."""
    day = birth.day + (60 if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth.year:04d}{birth:%m}{day:02d}{serial:03d}{luhn_check_digit(body)}"


@dataclass(frozen=True)
class DemoClient:
    unit_code: str
    personal_number: str
    first_name: str
    last_name: str
    protected_identity: bool
    opened_days_ago: int
    outcome: str  # "" while the case is open
    closed_days_after_opening: int
    nurse_assigned: bool
    phone: str
    street_address: str
    postal_code: str
    city: str


def plan_demo_clients(*, seed: int = DEMO_SEED, count: int = DEMO_CLIENT_COUNT) -> list[DemoClient]:
    """The fictional clients, the same list for the same seed. Pure: touches no database."""
    rng = random.Random(seed)  # reproducible demo data, not security
    units = list(_UNIT_PLAN)
    weights = [plan[1] for plan in _UNIT_PLAN.values()]
    special = rng.sample(range(count), 6)
    coordination_indexes, centenarian_index = set(special[:5]), special[5]
    first_day, last_day = datetime.date(1960, 1, 1).toordinal(), datetime.date(2000, 12, 31).toordinal()
    fiction_phones = [f"070-174 06 {n:02d}" for n in range(5, 100)]
    rng.shuffle(fiction_phones)
    seen: set[str] = set()
    clients: list[DemoClient] = []
    for index in range(count):
        while True:
            if index == centenarian_index:
                birth = datetime.date(rng.randint(1920, 1924), rng.randint(1, 12), rng.randint(1, 28))
            else:
                birth = datetime.date.fromordinal(rng.randint(first_day, last_day))
            serial = rng.randint(980, 999)
            number = fictional_personal_number(birth, serial, coordination=index in coordination_indexes)
            if number not in seen:
                seen.add(number)
                break
        female = serial % 2 == 0  # the third digit of the birth number is even for women
        first_name = rng.choice(_FEMALE_NAMES if female else _MALE_NAMES)
        last_name = rng.choice(_SURNAMES)
        unit_code = rng.choices(units, weights)[0]
        _username, _weight, city, (postal_low, postal_high) = _UNIT_PLAN[unit_code]
        protected = rng.random() < 0.03
        opened_days_ago = rng.randint(3, 900)
        outcome, closed_after = "", 0
        if opened_days_ago > 120 and rng.random() < 0.4:
            outcome = rng.choices(list(_OUTCOME_WEIGHTS), list(_OUTCOME_WEIGHTS.values()))[0]
            closed_after = rng.randint(60, opened_days_ago - 1)
        nurse = unit_code == _NURSE_UNIT and not outcome and rng.random() < 0.35
        has_phone = rng.random() < 0.6 and bool(fiction_phones)
        postal = rng.randint(postal_low, postal_high)
        street = f"{rng.choice(_STREETS)} {rng.randint(1, 60)}"
        clients.append(
            DemoClient(
                unit_code=unit_code,
                personal_number=number,
                first_name=first_name,
                last_name=last_name,
                protected_identity=protected,
                opened_days_ago=opened_days_ago,
                outcome=str(outcome),
                closed_days_after_opening=closed_after,
                nurse_assigned=nurse,
                phone=fiction_phones.pop() if has_phone else "",
                # People with protected personal data have no address on record.
                street_address="" if protected else street,
                postal_code="" if protected else f"{postal // 100} {postal % 100:02d}",
                city="" if protected else city,
            )
        )
    return clients


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    clients: int
    logins: list[DemoLogin]


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(username=u["username"], role=u["role"], password=u["password"])
        for u in demo_provisioning_data()["users"]
    ]


def demo_data_present() -> bool:
    return Client.objects.filter(municipality__code__in=DEMO_MUNICIPALITY_CODES).exists()


def seed_demo(*, today: datetime.date | None = None) -> DemoResult:
    """Build the demo data once. Returns created=False, and writes nothing, when it is already there."""
    if demo_data_present():
        return DemoResult(created=False, clients=0, logins=demo_logins())
    today = today or timezone.localdate()
    with transaction.atomic():
        provision(data=demo_provisioning_data())
        units = {u.code: u for u in Unit.objects.filter(code__in=_UNIT_PLAN)}
        usernames = [plan[0] for plan in _UNIT_PLAN.values()] + [_NURSE_USERNAME]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        nurse = users[_NURSE_USERNAME]
        planned = plan_demo_clients()
        for spec in planned:
            caseworker = users[_UNIT_PLAN[spec.unit_code][0]]
            opened_on = today - datetime.timedelta(days=spec.opened_days_ago)
            client = client_create(
                actor=caseworker,
                unit=units[spec.unit_code],
                personal_number=spec.personal_number,
                first_name=spec.first_name,
                last_name=spec.last_name,
                opened_on=opened_on,
                responsible=caseworker,
                protected_identity=spec.protected_identity,
                phone=spec.phone,
                street_address=spec.street_address,
                postal_code=spec.postal_code,
                city=spec.city,
            )
            case = client.cases.get()
            if spec.outcome:
                closed_on = opened_on + datetime.timedelta(days=spec.closed_days_after_opening)
                case_close(actor=caseworker, case=case, outcome=spec.outcome, closed_on=closed_on)
            if spec.nurse_assigned:
                case_assign_nurse(actor=caseworker, case=case, nurse=nurse)
    return DemoResult(created=True, clients=len(planned), logins=demo_logins())
