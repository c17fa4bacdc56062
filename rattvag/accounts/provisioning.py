"""Provisioning: municipalities, units, partner organisations and users from one declarative file.

The whole file is validated first; every bad entry is reported by its JSON path
(``users[3].role: unknown role "boss"``) and nothing is written. When the file is good,
everything is written in one transaction. Running the same file twice changes nothing the
second time. Entries not in the file are left alone. The format is described in
``docs/provisioning.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from rattvag.audit.services import audit_log

from .models import UNIT_STAFF_ROLES, Municipality, Partner, PartnerKind, Role, Unit, User

if TYPE_CHECKING:
    from collections.abc import Iterable

SECTIONS = ("municipalities", "units", "partners", "users")
# Unit staff (caseworkers, nurses, unit managers) work for units and so need at least one.
ROLES_NEEDING_UNITS = UNIT_STAFF_ROLES

_MUNICIPALITY_FIELDS = {"code", "name"}
_UNIT_FIELDS = {"code", "name", "municipality"}
_PARTNER_FIELDS = {"code", "name", "kind"}
_USER_FIELDS = {"username", "name", "role", "units", "partner", "password", "email", "is_demo", "active"}


class ProvisioningError(Exception):
    """The file is bad. `errors` holds one message per problem, each starting with its JSON path."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Counts:
    created: int = 0
    updated: int = 0


@dataclass
class ProvisionResult:
    municipalities: Counts = field(default_factory=Counts)
    units: Counts = field(default_factory=Counts)
    partners: Counts = field(default_factory=Counts)
    users: Counts = field(default_factory=Counts)

    def by_kind(self) -> list[tuple[str, Counts]]:
        return [(name, getattr(self, name)) for name in SECTIONS]

    @property
    def changed(self) -> bool:
        return any(counts.created or counts.updated for _name, counts in self.by_kind())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {name: {"created": c.created, "updated": c.updated} for name, c in self.by_kind()}


# --- The validated plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class _MunicipalitySpec:
    code: str
    name: str


@dataclass(frozen=True)
class _UnitSpec:
    code: str
    name: str
    municipality: str


@dataclass(frozen=True)
class _PartnerSpec:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class _UserSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    units: tuple[str, ...]
    partner: str | None
    password: str | None
    email: str | None
    is_demo: bool
    active: bool


@dataclass
class _Plan:
    municipalities: list[_MunicipalitySpec] = field(default_factory=list)
    units: list[_UnitSpec] = field(default_factory=list)
    partners: list[_PartnerSpec] = field(default_factory=list)
    users: list[_UserSpec] = field(default_factory=list)


def split_full_name(name: str) -> tuple[str, str]:
    """'Anna Maria Svensson' -> ('Anna Maria', 'Svensson'): the last word is the surname."""
    words = name.split()
    if len(words) < 2:
        return " ".join(words), ""
    return " ".join(words[:-1]), words[-1]


# --- Reading the file ------------------------------------------------------------------------


def load_provisioning_file(path: str | Path) -> dict[str, Any]:
    """Read and parse the JSON file; problems come back as ProvisioningError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProvisioningError([_("The file could not be read: %(reason)s") % {"reason": reason}]) from None
    return parse_provisioning_json(text)


def parse_provisioning_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProvisioningError(
            [
                _("The file is not valid JSON: %(problem)s at line %(line)d, column %(column)d.")
                % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno}
            ]
        ) from None
    if not isinstance(data, dict):
        raise ProvisioningError([_("The file must hold one JSON object with the lists %(sections)s.") % _sections()])
    return data


def _sections() -> dict[str, str]:
    return {"sections": ", ".join(SECTIONS)}


# --- Validation ------------------------------------------------------------------------------


class _Validator:
    """Walks the data once, collecting every problem with its path."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: list[str] = []
        self.plan = _Plan()

    # Helpers ---------------------------------------------------------------------------------

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def entries(self, section: str, allowed: set[str]) -> Iterable[tuple[str, dict[str, Any]]]:
        value = self.data.get(section, [])
        if not isinstance(value, list):
            self.error(section, _("must be a list"))
            return
        for index, entry in enumerate(value):
            path = f"{section}[{index}]"
            if not isinstance(entry, dict):
                self.error(path, _("must be an object"))
                continue
            for key in sorted(set(entry) - allowed):
                self.error(
                    f"{path}.{key}",
                    _("unknown field (allowed: %(fields)s)") % {"fields": ", ".join(sorted(allowed))},
                )
            yield path, entry

    def text(self, path: str, entry: dict[str, Any], key: str, *, max_length: int, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                self.error(f"{path}.{key}", _("required field is missing"))
            return None
        if not isinstance(value, str):
            self.error(f"{path}.{key}", _("must be text"))
            return None
        value = value.strip()
        if not value:
            self.error(f"{path}.{key}", _("must not be empty"))
            return None
        if len(value) > max_length:
            self.error(f"{path}.{key}", _("must be at most %(max)d characters") % {"max": max_length})
            return None
        return value

    def boolean(self, path: str, entry: dict[str, Any], key: str, *, default: bool) -> bool:
        value = entry.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", _("must be true or false"))
            return default
        return value

    def code_list(self, path: str, entry: dict[str, Any], key: str) -> list[tuple[str, str]]:
        """A list of codes as (path, code) pairs."""
        value = entry.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{key}", _("must be a list of codes"))
            return []
        codes: list[tuple[str, str]] = []
        seen: set[str] = set()
        for index, item in enumerate(value):
            item_path = f"{path}.{key}[{index}]"
            if not isinstance(item, str) or not item.strip():
                self.error(item_path, _("must be a code (text)"))
                continue
            code = item.strip()
            if code in seen:
                self.error(item_path, _('"%(code)s" is listed twice') % {"code": code})
                continue
            seen.add(code)
            codes.append((item_path, code))
        return codes

    def unique(self, seen: dict[str, str], value: str | None, path: str, what: str) -> bool:
        """Record `value` (compared without regard to capitals); report it if already seen."""
        if value is None:
            return False
        key = value.lower()
        if key in seen:
            self.error(
                path,
                _('duplicate %(what)s "%(value)s" (also in %(other)s)')
                % {"what": what, "value": value, "other": seen[key]},
            )
            return False
        seen[key] = path.rsplit(".", 1)[0]
        return True

    # Sections ---------------------------------------------------------------------------------

    def run(self) -> _Plan:
        for key in sorted(set(self.data) - set(SECTIONS)):
            self.error(key, _("unknown section (allowed: %(sections)s)") % _sections())
        existing_municipalities = dict(Municipality.objects.values_list("code", "pk"))
        existing_units = {u.code: u for u in Unit.objects.select_related("municipality")}
        existing_partners = set(Partner.objects.values_list("code", flat=True))

        municipality_codes = self.municipalities() | set(existing_municipalities)
        unit_codes = self.units(municipality_codes, existing_units) | set(existing_units)
        partner_codes = self.partners() | existing_partners
        self.users(unit_codes, partner_codes)
        return self.plan

    def municipalities(self) -> set[str]:
        seen: dict[str, str] = {}
        codes: set[str] = set()
        code_length = Municipality._meta.get_field("code").max_length or 20
        for path, entry in self.entries("municipalities", _MUNICIPALITY_FIELDS):
            code = self.text(path, entry, "code", max_length=code_length)
            name = self.text(path, entry, "name", max_length=200)
            if self.unique(seen, code, f"{path}.code", _("code")) and code is not None:
                codes.add(code)
            if code is not None and name is not None:
                self.plan.municipalities.append(_MunicipalitySpec(code=code, name=name))
        return codes

    def units(self, municipality_codes: set[str], existing: dict[str, Unit]) -> set[str]:
        seen: dict[str, str] = {}
        codes: set[str] = set()
        code_length = Unit._meta.get_field("code").max_length or 40
        for path, entry in self.entries("units", _UNIT_FIELDS):
            code = self.text(path, entry, "code", max_length=code_length)
            name = self.text(path, entry, "name", max_length=200)
            municipality = self.text(path, entry, "municipality", max_length=200)
            if self.unique(seen, code, f"{path}.code", _("code")) and code is not None:
                codes.add(code)
            if municipality is not None and municipality not in municipality_codes:
                self.error(f"{path}.municipality", _('unknown municipality "%(code)s"') % {"code": municipality})
                municipality = None
            current = existing.get(code) if code is not None else None
            if (
                current is not None
                and municipality is not None
                and current.municipality.code != municipality
                and current.cases.exists()
            ):
                self.error(
                    f"{path}.municipality",
                    _('the unit has cases in municipality "%(current)s" and cannot move to another')
                    % {"current": current.municipality.code},
                )
                municipality = None
            if code is not None and name is not None and municipality is not None:
                self.plan.units.append(_UnitSpec(code=code, name=name, municipality=municipality))
        return codes

    def partners(self) -> set[str]:
        seen: dict[str, str] = {}
        codes: set[str] = set()
        code_length = Partner._meta.get_field("code").max_length or 40
        for path, entry in self.entries("partners", _PARTNER_FIELDS):
            code = self.text(path, entry, "code", max_length=code_length)
            name = self.text(path, entry, "name", max_length=200)
            kind = self.text(path, entry, "kind", max_length=40)
            if self.unique(seen, code, f"{path}.code", _("code")) and code is not None:
                codes.add(code)
            if kind is not None and kind not in PartnerKind.values:
                self.error(
                    f"{path}.kind",
                    _('unknown kind "%(kind)s" (allowed: %(allowed)s)')
                    % {"kind": kind, "allowed": ", ".join(PartnerKind.values)},
                )
                kind = None
            if code is not None and name is not None and kind is not None:
                self.plan.partners.append(_PartnerSpec(code=code, name=name, kind=kind))
        return codes

    def users(self, unit_codes: set[str], partner_codes: set[str]) -> None:
        entries = list(self.entries("users", _USER_FIELDS))
        usernames = [e["username"].strip() for _p, e in entries if isinstance(e.get("username"), str)]
        existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
        # Usernames that differ only in capitals would be two accounts for one person.
        existing_by_lower = dict(
            User.objects.annotate(lower=Lower("username"))
            .filter(lower__in=[u.lower() for u in usernames])
            .values_list("lower", "username")
        )
        seen: dict[str, str] = {}
        for path, entry in entries:
            ok = True
            username = self.username(path, entry, seen, existing, existing_by_lower)
            name = self.text(path, entry, "name", max_length=300)
            first_name, last_name = split_full_name(name or "")
            if len(first_name) > 150 or len(last_name) > 150:
                self.error(f"{path}.name", _("the first or last name is longer than 150 characters"))
                ok = False
            role = self.text(path, entry, "role", max_length=40)
            if role is not None and role not in Role.values:
                self.error(
                    f"{path}.role",
                    _('unknown role "%(role)s" (allowed: %(allowed)s)')
                    % {"role": role, "allowed": ", ".join(Role.values)},
                )
                role = None
            units = self.code_list(path, entry, "units")
            for item_path, code in units:
                if code not in unit_codes:
                    self.error(item_path, _('unknown unit "%(code)s"') % {"code": code})
                    ok = False
            partner = self.text(path, entry, "partner", max_length=200, required=False)
            if partner is not None and partner not in partner_codes:
                self.error(f"{path}.partner", _('unknown partner "%(code)s"') % {"code": partner})
                ok = False
            ok = self.role_fits(path, entry, role) and ok
            email = self.text(path, entry, "email", max_length=254, required=False)
            if email is not None:
                try:
                    validate_email(email)
                    email = User.objects.normalize_email(email)
                except ValidationError as exc:
                    self.error(f"{path}.email", " ".join(exc.messages))
                    ok = False
            is_demo = self.boolean(path, entry, "is_demo", default=False)
            active = self.boolean(path, entry, "active", default=True)
            password = entry.get("password")
            if password is not None:
                current = existing.get(username or "")
                candidate = User(
                    username=username or "",
                    first_name=first_name,
                    last_name=last_name,
                    email=email or (current.email if current else ""),
                )
                ok = self.password(path, password, candidate) and ok

            if ok and username is not None and name is not None and role is not None:
                self.plan.users.append(
                    _UserSpec(
                        username=username,
                        first_name=first_name,
                        last_name=last_name,
                        role=role,
                        units=tuple(code for _p, code in units),
                        partner=partner,
                        password=password,
                        email=email,
                        is_demo=is_demo,
                        active=active,
                    )
                )

    def username(
        self,
        path: str,
        entry: dict[str, Any],
        seen: dict[str, str],
        existing: dict[str, User],
        existing_by_lower: dict[str, str],
    ) -> str | None:
        username = self.text(path, entry, "username", max_length=150)
        if username is None:
            return None
        username = User.normalize_username(username)
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            self.error(f"{path}.username", " ".join(exc.messages))
            return None
        if not self.unique(seen, username, f"{path}.username", _("username")):
            return None
        other = existing_by_lower.get(username.lower())
        if username not in existing and other is not None:
            self.error(
                f"{path}.username",
                _('a user "%(existing)s" already exists; usernames must differ by more than capitals')
                % {"existing": other},
            )
            return None
        return username

    def role_fits(self, path: str, entry: dict[str, Any], role: str | None) -> bool:
        """Partner officers belong to a partner; unit staff to at least one unit."""
        has_partner = entry.get("partner") is not None
        units_value = entry.get("units")
        if role == Role.PARTNER_OFFICER:
            ok = True
            if not has_partner:
                self.error(path, _('a partner officer needs "partner"'))
                ok = False
            if units_value:
                self.error(f"{path}.units", _("a partner officer works for a partner organisation, not for units"))
                ok = False
            return ok
        if role is None:
            return True
        if has_partner:
            self.error(f"{path}.partner", _("only a partner officer belongs to a partner organisation"))
            return False
        if role in ROLES_NEEDING_UNITS and not units_value:
            self.error(path, _('the role "%(role)s" needs at least one unit in "units"') % {"role": role})
            return False
        return True

    def password(self, path: str, password: object, candidate: User) -> bool:
        if not isinstance(password, str):
            self.error(f"{path}.password", _("must be text"))
            return False
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            for message in exc.messages:
                self.error(f"{path}.password", message)
            return False
        return True


# --- Writing ---------------------------------------------------------------------------------


def _apply(plan: _Plan) -> ProvisionResult:
    result = ProvisionResult()

    municipalities = {m.code: m for m in Municipality.objects.all()}
    for m_spec in plan.municipalities:
        municipality = municipalities.get(m_spec.code)
        if municipality is None:
            municipality = Municipality(code=m_spec.code, name=m_spec.name)
            municipality.full_clean()
            municipality.save()
            municipalities[m_spec.code] = municipality
            result.municipalities.created += 1
        elif municipality.name != m_spec.name:
            municipality.name = m_spec.name
            municipality.full_clean()
            municipality.save(update_fields=["name", "updated_at"])
            result.municipalities.updated += 1

    units = {u.code: u for u in Unit.objects.all()}
    for u_spec in plan.units:
        unit = units.get(u_spec.code)
        target = municipalities[u_spec.municipality]
        if unit is None:
            unit = Unit(code=u_spec.code, name=u_spec.name, municipality=target)
            unit.full_clean()
            unit.save()
            units[u_spec.code] = unit
            result.units.created += 1
        elif unit.name != u_spec.name or unit.municipality_id != target.pk:
            unit.name, unit.municipality = u_spec.name, target
            unit.full_clean()
            unit.save(update_fields=["name", "municipality", "updated_at"])
            result.units.updated += 1

    partners = {p.code: p for p in Partner.objects.all()}
    for p_spec in plan.partners:
        partner = partners.get(p_spec.code)
        if partner is None:
            partner = Partner(code=p_spec.code, name=p_spec.name, kind=p_spec.kind)
            partner.full_clean()
            partner.save()
            partners[p_spec.code] = partner
            result.partners.created += 1
        elif partner.name != p_spec.name or partner.kind != p_spec.kind:
            partner.name, partner.kind = p_spec.name, p_spec.kind
            partner.full_clean()
            partner.save(update_fields=["name", "kind", "updated_at"])
            result.partners.updated += 1

    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in plan.users])}
    for spec in plan.users:
        user = users.get(spec.username)
        created = user is None
        if user is None:
            user = User(username=spec.username)
            user.set_unusable_password()
        before = _user_state(user) if not created else None
        is_admin = spec.role == Role.ADMIN
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.role = spec.role
        user.partner = partners[spec.partner] if spec.partner else None
        user.is_demo = spec.is_demo
        user.is_active = spec.active
        user.is_staff = user.is_superuser = is_admin
        if spec.email is not None:
            user.email = spec.email
        password_changed = False
        if spec.password is not None and not check_password(spec.password, user.password):
            user.set_password(spec.password)
            password_changed = True
        changed = created or password_changed or before != _user_state(user)
        if changed:
            user.full_clean()
            user.save()
        wanted_units = {units[code].pk for code in spec.units}
        current_units = set() if created else set(user.units.values_list("pk", flat=True))
        if wanted_units != current_units:
            user.units.set(wanted_units)
            changed = True
        if created:
            result.users.created += 1
        elif changed:
            result.users.updated += 1
    return result


def _user_state(user: User) -> tuple[object, ...]:
    return (
        user.first_name,
        user.last_name,
        user.role,
        user.partner_id,
        user.is_demo,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        user.email,
    )


def provision(*, data: dict[str, Any], actor: User | None = None) -> ProvisionResult:
    """Create or update what `data` declares. Raises ProvisioningError and writes nothing if anything is bad."""
    if not isinstance(data, dict):
        raise ProvisioningError([_("The file must hold one JSON object with the lists %(sections)s.") % _sections()])
    with transaction.atomic():
        validator = _Validator(data)
        plan = validator.run()
        if validator.errors:
            raise ProvisioningError(validator.errors)
        result = _apply(plan)
        if result.changed:
            # Counts only: usernames and names are personal data.
            audit_log(actor=actor, action="accounts.provisioned", data=result.as_dict())
    return result
