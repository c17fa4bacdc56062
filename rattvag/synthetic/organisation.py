"""The synthetic organisation: municipalities, units, partners, care units, users and their TOTP devices.

`plan_organisation` decides everything from the scope, the number of clients and the seed without
touching the database; `write_organisation` inserts it in bulk and returns the ids the client
batches draw from (`Org`). Staffing follows the caseload: a caseworker per ~35 open cases, a unit
manager per 15 caseworkers, a nurse per 10 caseworkers (docs/synthetic-data.md).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import hmac
import itertools
import math
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from rattvag.accounts.models import Municipality, Partner, PartnerKind, Role, Unit, User
from rattvag.certificates.models import CareUnit
from rattvag.core.bulk import Inserter

from .content import (
    AREA_NAMES,
    BIG_CITIES,
    CITY_DISTRICTS,
    COUNTIES,
    FEMALE_NAMES,
    MALE_NAMES,
    MUNICIPALITIES,
    REGION_COUNTY,
    SURNAMES,
    UNIT_CITY,
)

SCOPES = ("unit", "region", "national")
CASELOAD = 35  # open cases per caseworker (the brief: one per 30-40)
OPEN_SHARE = 0.42  # the share of cases still open on --today, from the case-length model (batches.py)
CLIENTS_PER_UNIT = 6000  # municipalities without districts get a unit per this many clients
CARE_UNIT_ZIPF = 1.1  # exponent of the rank-size rule for the care units of one municipality
PLACES = (
    "Centrum", "Hagen", "Backa", "Torget", "Kvarnen", "Ängen", "Åsen", "Bäcken", "Lunden", "Parken",
    "Väster", "Öster", "Norr", "Söder", "Slottet", "Hamnen", "Skogen", "Dalen", "Berga", "Ekbacken",
    "Björkhagen", "Solhem", "Strand", "Höjden", "Mossen", "Gärdet", "Vallen", "Liden",
)  # fmt: skip
CARE_PREFIXES = ("Vårdcentralen", "Hälsocentralen", "Vårdcentral")


@dataclass
class UnitPlan:
    code: str
    name: str
    municipality_code: str
    clients: int
    caseworkers: int
    nurses: int
    managers: int


@dataclass
class MunicipalityPlan:
    code: str
    name: str
    county: str
    population: int
    clients: int
    units: list[UnitPlan] = field(default_factory=list)


@dataclass
class UserPlan:
    username: str
    role: str
    first_name: str
    last_name: str
    unit_codes: tuple[str, ...] = ()
    partner_code: str = ""


@dataclass
class CareUnitPlan:
    name: str
    hsa_id: str
    region: str
    municipality_code: str
    municipality_name: str
    kind: str  # "primary", "psychiatry", "specialist"


@dataclass
class OrganisationPlan:
    scope: str
    clients: int
    municipalities: list[MunicipalityPlan]
    partners: list[tuple[str, str, str]]  # (code, name, kind)
    care_units: list[CareUnitPlan]
    users: list[UserPlan]

    @property
    def units(self) -> list[UnitPlan]:
        return [unit for municipality in self.municipalities for unit in municipality.units]


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _slug(text: str) -> str:
    return "".join(c for c in _ascii(text).upper() if c.isalnum())[:12]


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` into whole numbers that add up to `total`."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


def scope_municipalities(scope: str) -> list[tuple[str, str, int]]:
    if scope == "unit":
        return [m for m in MUNICIPALITIES if m[0] == UNIT_CITY]
    if scope == "region":
        return [m for m in MUNICIPALITIES if m[0][:2] == REGION_COUNTY]
    return list(MUNICIPALITIES)


def _unit_plans(rng: random.Random, code: str, name: str, clients: int) -> list[UnitPlan]:
    districts = CITY_DISTRICTS.get(code)
    if districts:
        names = [(f"{code}-{_slug(d)}", f"Ekonomiskt bistånd {name} {d}") for d in districts]
    else:
        count = max(1, min(len(AREA_NAMES), math.ceil(clients / CLIENTS_PER_UNIT)))
        if count == 1:
            names = [(f"{code}-EB", f"Ekonomiskt bistånd {name}")]
        else:
            names = [(f"{code}-{_slug(a)}", f"Ekonomiskt bistånd {name} {a}") for a in AREA_NAMES[:count]]
    weights = [0.6 + 0.8 * rng.random() for _ in names] if len(names) > 1 else [1.0]
    plans = []
    for (unit_code, unit_name), unit_clients in zip(names, _largest_remainder(clients, weights), strict=True):
        caseworkers = max(1, round(unit_clients * OPEN_SHARE / CASELOAD))
        plans.append(
            UnitPlan(
                code=unit_code,
                name=unit_name,
                municipality_code=code,
                clients=unit_clients,
                caseworkers=caseworkers,
                nurses=max(1 if caseworkers >= 3 else 0, round(caseworkers / 10)),
                managers=max(1, math.ceil(caseworkers / 15)),
            )
        )
    return plans


def _person(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(FEMALE_NAMES if rng.random() < 0.7 else MALE_NAMES)  # social work: mostly women
    return first, rng.choice(SURNAMES)


def plan_organisation(*, scope: str, clients: int, seed: int) -> OrganisationPlan:
    if scope not in SCOPES:
        raise ValueError(f"Unknown scope {scope!r}")
    rng = random.Random(f"organisation-{seed}")  # noqa: S311 - synthetic data, not security
    chosen = scope_municipalities(scope)
    counts = _largest_remainder(clients, [float(population) for _code, _name, population in chosen])
    municipalities = []
    for (code, name, population), count in zip(chosen, counts, strict=True):
        municipality = MunicipalityPlan(code, name, code[:2], population, count)
        municipality.units = _unit_plans(rng, code, name, count)
        municipalities.append(municipality)

    partners: list[tuple[str, str, str]] = []
    counties = sorted({m.county for m in municipalities})
    for county in counties:
        county_name = COUNTIES[county][0]
        seat = max((m for m in municipalities if m.county == county), key=lambda m: (m.population, m.code))
        partners.append((f"FK-{county}", f"Försäkringskassan {county_name}", PartnerKind.FK))
        partners.append((f"AF-{county}", f"Arbetsförmedlingen {seat.name}", PartnerKind.AF))
    for municipality in municipalities:
        partners.append((f"AME-{municipality.code}", f"Arbetsmarknadsenheten {municipality.name}", PartnerKind.AME))

    care_units = _care_unit_plans(rng, municipalities)
    for index, care_unit in enumerate(care_units):
        if care_unit.kind == "primary":
            partners.append((f"VC-{index + 1:05d}", care_unit.name, PartnerKind.CARE_UNIT))

    users: list[UserPlan] = []
    for municipality in municipalities:
        for unit in municipality.units:
            lower = unit.code.lower()
            for role, prefix, count in (
                (Role.CASEWORKER, "cw", unit.caseworkers),
                (Role.NURSE, "ns", unit.nurses),
                (Role.UNIT_MANAGER, "um", unit.managers),
            ):
                for n in range(1, count + 1):
                    users.append(UserPlan(f"syn-{prefix}-{lower}-{n}", role, *_person(rng), unit_codes=(unit.code,)))
        unit_codes = tuple(unit.code for unit in municipality.units)
        for n in range(1, (2 if municipality.code in BIG_CITIES else 1) + 1):
            users.append(
                UserPlan(f"syn-an-{municipality.code}-{n}", Role.ANALYST, *_person(rng), unit_codes=unit_codes)
            )
    for n in range(1, {"unit": 1, "region": 2, "national": 3}[scope] + 1):
        users.append(UserPlan(f"syn-agg-{n}", Role.AGGREGATE_VIEWER, *_person(rng)))
    clients_by_county = {c: sum(m.clients for m in municipalities if m.county == c) for c in counties}
    for code, _name, kind in partners:
        count = max(2, round(clients_by_county[code[3:]] / 5000)) if kind == PartnerKind.FK else 1
        for n in range(1, count + 1):
            users.append(UserPlan(f"syn-po-{code.lower()}-{n}", Role.PARTNER_OFFICER, *_person(rng), partner_code=code))
    return OrganisationPlan(scope, clients, municipalities, partners, care_units, users)


def _care_unit_plans(rng: random.Random, municipalities: list[MunicipalityPlan]) -> list[CareUnitPlan]:
    plans: list[CareUnitPlan] = []
    serial = itertools.count(1)
    taken: set[str] = set()

    def add(name: str, municipality: MunicipalityPlan, kind: str) -> None:
        base, n = name, 2
        while name.lower() in taken:
            name, n = f"{base} {n}", n + 1
        taken.add(name.lower())
        number = next(serial)
        # Fictional HSA-ids (the real ones have an E, not an S, before the serial); some entries have none,
        # as when a caseworker registers a care unit by its name only.
        hsa_id = "" if rng.random() < 0.08 else f"SE232100{municipality.county}00-S{number:07d}"
        region = COUNTIES[municipality.county][1]
        plans.append(CareUnitPlan(name, hsa_id, region, municipality.code, municipality.name, kind))

    for municipality in municipalities:
        primary = max(1, round(municipality.population / 9))  # about one health centre per 9,000 inhabitants
        places = list(PLACES)
        rng.shuffle(places)
        districts = list(CITY_DISTRICTS.get(municipality.code, ()))
        for index in range(primary):
            prefix = CARE_PREFIXES[1] if municipality.county in {"22", "23", "24", "25"} else CARE_PREFIXES[0]
            if index == 0:
                name = f"{prefix} {municipality.name}"
            elif index <= len(districts):
                name = f"{prefix} {districts[index - 1]}"
            else:
                name = f"{prefix} {places[index % len(places)]}, {municipality.name}"
            add(name, municipality, "primary")
        if municipality.population >= 25:
            for index in range(1 + municipality.population // 150):
                suffix = f" {AREA_NAMES[index]}" if index else ""
                add(f"Psykiatrimottagningen {municipality.name}{suffix}", municipality, "psychiatry")
        if municipality.population >= 60:
            add(f"Ortopedmottagningen, Sjukhuset i {municipality.name}", municipality, "specialist")
            add(f"Smärtrehabiliteringen, Sjukhuset i {municipality.name}", municipality, "specialist")
    return plans


# --- writing --------------------------------------------------------------------------------


@dataclass
class UnitInfo:
    id: int
    code: str
    municipality_index: int
    caseworker_ids: list[int]
    caseworker_weights: list[float]  # cumulative: caseloads differ (part time, new staff)
    nurse_ids: list[int]
    manager_ids: list[int]

    def caseworker(self, rng: random.Random) -> int:
        weights = self.caseworker_weights
        return self.caseworker_ids[bisect.bisect_right(weights, rng.random() * weights[-1])]


@dataclass
class MunicipalityInfo:
    id: int
    code: str
    name: str
    county: str
    postal_prefix: str
    primary_ids: list[int]
    primary_weights: list[float]  # cumulative, Zipf-like by rank
    psychiatry_ids: list[int]
    specialist_ids: list[int]
    care_partner_of: dict[int, int]  # CareUnit id -> Partner id (kind care_unit)
    fk_partner_id: int
    af_partner_id: int
    ame_partner_id: int
    analyst_ids: list[int]
    fk_officer_ids: list[int]  # partner officers of the county's Försäkringskassan office

    def primary_care_unit(self, rng: random.Random) -> int:
        weights = self.primary_weights
        return self.primary_ids[bisect.bisect_right(weights, rng.random() * weights[-1])]


@dataclass
class Org:
    municipalities: list[MunicipalityInfo]
    units: list[UnitInfo]
    unit_clients: list[int]  # clients per unit, in the order of `units`
    user_roles: dict[int, str]
    counts: dict[str, int]


def totp_key(seed: int, username: str) -> str:
    """The user's TOTP key (hex, 20 bytes): derived from the seed and the username, so a load test can
    compute one-time codes without reading the database."""
    return hmac.new(f"rattvag-synthetic-{seed}".encode(), username.encode(), hashlib.sha1).hexdigest()


def password_hash(password: str, seed: int) -> str:
    """One hash for every generated user (hashing per user with Argon2 would take hours at national size);
    the salt is derived from the seed so the same seed gives the same rows."""
    salt = hashlib.sha256(f"rattvag-synthetic-salt-{seed}".encode()).hexdigest()[:22]
    return make_password(password, salt=salt)


def write_organisation(plan: OrganisationPlan, *, seed: int, password: str, now: datetime.datetime) -> Org:
    """Insert the planned organisation (inside the caller's transaction)."""
    counts: dict[str, int] = {}
    municipality_ids = Inserter(Municipality, ["code", "name"], now=now).insert(
        [(m.code, m.name) for m in plan.municipalities]
    )
    id_of_municipality = {m.code: pk for m, pk in zip(plan.municipalities, municipality_ids, strict=True)}
    units = plan.units
    unit_ids = Inserter(Unit, ["code", "name", "municipality_id"], now=now).insert(
        [(u.code, u.name, id_of_municipality[u.municipality_code]) for u in units]
    )
    id_of_unit = {u.code: pk for u, pk in zip(units, unit_ids, strict=True)}
    partner_ids = Inserter(Partner, ["code", "name", "kind"], now=now).insert(plan.partners)
    id_of_partner = {code: pk for (code, _n, _k), pk in zip(plan.partners, partner_ids, strict=True)}
    care_ids = Inserter(CareUnit, ["name", "hsa_id", "region", "municipality"], now=now).insert(
        [(c.name, c.hsa_id, c.region, c.municipality_name) for c in plan.care_units]
    )
    counts.update(
        {
            "municipalities": len(municipality_ids),
            "units": len(unit_ids),
            "partners": len(partner_ids),
            "care units": len(care_ids),
        }
    )

    hashed = password_hash(password, seed)
    user_ids = Inserter(
        User,
        ["username", "first_name", "last_name", "email", "role", "partner_id"],
        constants={"password": hashed, "is_active": True, "date_joined": now, "is_demo": False},
        now=now,
    ).insert(
        [
            (
                u.username,
                u.first_name,
                u.last_name,
                f"{u.username}@syntetisk.example",
                u.role,
                id_of_partner[u.partner_code] if u.partner_code else None,
            )
            for u in plan.users
        ]
    )
    memberships = [
        (user_id, id_of_unit[code]) for u, user_id in zip(plan.users, user_ids, strict=True) for code in u.unit_codes
    ]
    Inserter(User.units.through, ["user_id", "unit_id"], now=now).insert(memberships)
    Inserter(TOTPDevice, ["user_id", "key"], constants={"name": "syntetisk", "confirmed": True}, now=now).insert(
        [(user_id, totp_key(seed, u.username)) for u, user_id in zip(plan.users, user_ids, strict=True)]
    )
    counts.update({"users": len(user_ids), "unit memberships": len(memberships), "TOTP devices": len(user_ids)})

    rng = random.Random(f"staff-{seed}")  # noqa: S311
    staff: dict[tuple[str, str], list[int]] = {}
    analysts: dict[str, list[int]] = {}
    officers: dict[str, list[int]] = {}
    for u, user_id in zip(plan.users, user_ids, strict=True):
        if u.partner_code:
            officers.setdefault(u.partner_code, []).append(user_id)
        elif u.role == Role.ANALYST:
            analysts.setdefault(u.unit_codes[0].split("-")[0], []).append(user_id)
        elif u.unit_codes:
            staff.setdefault((u.unit_codes[0], u.role), []).append(user_id)
    municipality_index = {m.code: index for index, m in enumerate(plan.municipalities)}
    unit_infos = []
    for unit_plan in units:
        caseworkers = staff.get((unit_plan.code, Role.CASEWORKER), [])
        # Caseloads differ: part-time staff, new staff, a few with more than their share.
        weights = list(itertools.accumulate(rng.choice((0.5, 0.8, 1.0, 1.0, 1.0, 1.2, 1.4)) for _ in caseworkers))
        unit_infos.append(
            UnitInfo(
                id=id_of_unit[unit_plan.code],
                code=unit_plan.code,
                municipality_index=municipality_index[unit_plan.municipality_code],
                caseworker_ids=caseworkers,
                caseworker_weights=weights,
                nurse_ids=staff.get((unit_plan.code, Role.NURSE), []),
                manager_ids=staff.get((unit_plan.code, Role.UNIT_MANAGER), []),
            )
        )

    care_by_municipality: dict[str, dict[str, list[int]]] = {}
    care_partner_of: dict[int, int] = {}
    for index, (c, care_id) in enumerate(zip(plan.care_units, care_ids, strict=True)):
        care_by_municipality.setdefault(c.municipality_code, {}).setdefault(c.kind, []).append(care_id)
        if c.kind == "primary":
            care_partner_of[care_id] = id_of_partner[f"VC-{index + 1:05d}"]
    county_fallback: dict[str, dict[str, list[int]]] = {}
    for m in plan.municipalities:  # largest municipality of each county first: its clinics serve the others
        for kind, ids in care_by_municipality.get(m.code, {}).items():
            if kind != "primary":
                county_fallback.setdefault(m.county, {}).setdefault(kind, []).extend(ids)
    municipality_infos = []
    for m in plan.municipalities:
        own = care_by_municipality.get(m.code, {})
        primary = own.get("primary", [])
        weights = list(itertools.accumulate(1 / (rank + 1) ** CARE_UNIT_ZIPF for rank in range(len(primary))))
        fallback = county_fallback.get(m.county, {})
        municipality_infos.append(
            MunicipalityInfo(
                id=id_of_municipality[m.code],
                code=m.code,
                name=m.name,
                county=m.county,
                postal_prefix=COUNTIES[m.county][2],
                primary_ids=primary,
                primary_weights=weights,
                psychiatry_ids=own.get("psychiatry") or fallback.get("psychiatry") or primary,
                specialist_ids=fallback.get("specialist") or own.get("psychiatry") or primary,
                care_partner_of={pk: care_partner_of[pk] for pk in primary},
                fk_partner_id=id_of_partner[f"FK-{m.county}"],
                af_partner_id=id_of_partner[f"AF-{m.county}"],
                ame_partner_id=id_of_partner[f"AME-{m.code}"],
                analyst_ids=analysts.get(m.code, []),
                fk_officer_ids=officers.get(f"FK-{m.county}", []),
            )
        )
    return Org(
        municipalities=municipality_infos,
        units=unit_infos,
        unit_clients=[u.clients for u in units],
        user_roles={user_id: str(u.role) for u, user_id in zip(plan.users, user_ids, strict=True)},
        counts=counts,
    )
