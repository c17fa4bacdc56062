"""Reads for the worklist (Att göra) and the rule settings; scoped by rattvag.clients.access.

- A caseworker's worklist: the open cases of her units she is responsible for.
- A unit manager's: every open case of her units, grouped by responsible caseworker.
- Every other role has no worklist (404).
The worklist costs a fixed number of queries whatever the number of cases (rules/facts.py), and
every client shown is audited as `client.listed`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from rattvag.accounts.models import UNIT_STAFF_ROLES, Role, Unit
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess, visible_clients
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.clients.selectors import audit_client_ids_listed, client_ids_with_visible_protected_identity

from .evaluation import CaseOutcome, RuleBook, RuleConfig, method_rules, pending_outcomes
from .models import MethodRule, UnitRuleSetting
from .process import Step, case_process_map
from .rules import load_case_facts
from .rules.base import Outcome, State
from .rules.facts import CaseFacts, CaseRow, case_facts_from, cycle_collection_paused, loaded_case_row

if TYPE_CHECKING:
    from rattvag.accounts.models import User
    from rattvag.clients.page import ClientPage

WORKLIST_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})
WORKLIST_PAGE_SIZE = 50  # items per page of the web page (the API lists every item)


def may_use_worklist(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in WORKLIST_ROLES)


def is_manager(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.UNIT_MANAGER)


def worklist_cases(user: User) -> QuerySet[Case]:
    """The open cases whose items the user sees: her own (caseworker) or her units' (manager)."""
    if not may_use_worklist(user):
        return Case.objects.none()
    cases = Case.objects.filter(status=CaseStatus.OPEN, unit__in=user.units.all())
    if user.role == Role.CASEWORKER:
        cases = cases.filter(responsible=user)
    # Asked per case (EXISTS) rather than as a list of every visible client, which the database would build first.
    return cases.filter(Exists(visible_clients(user).filter(pk=OuterRef("client_id"))))


class ShownCase(NamedTuple):
    """What the worklist shows of a case with items, as plain values: the case's ids, its client's name and whether
    the client's identity is protected, and the name of the responsible caseworker (None: nobody)."""

    pk: int
    client_id: int
    unit_id: int
    responsible_id: int | None
    client_name: str  # as Client.full_name
    protected_identity: bool
    responsible_name: str | None  # as User.get_full_name(), else the username


def _full_name(first_name: str, last_name: str) -> str:
    """Client.full_name and User.get_full_name() of a row read as values."""
    return f"{first_name} {last_name}".strip()


def _shown_cases(case_ids: set[int]) -> dict[int, ShownCase]:
    """These cases, with what the page shows of each, in one query (values, not models: the page shows three names
    per row, which the models' other columns and instances would cost many times over)."""
    rows = Case.objects.filter(pk__in=case_ids).values_list(
        "pk",
        "client_id",
        "unit_id",
        "responsible_id",
        "client__first_name",
        "client__last_name",
        "client__protected_identity",
        "responsible__first_name",
        "responsible__last_name",
        "responsible__username",
    )
    return {
        pk: ShownCase(
            pk,
            client_id,
            unit_id,
            responsible_id,
            _full_name(first, last),
            protected,
            None if responsible_id is None else _full_name(user_first, user_last) or username,
        )
        for pk, client_id, unit_id, responsible_id, first, last, protected, user_first, user_last, username in rows
    }


@dataclass(frozen=True)
class WorklistItem:
    """One thing to do: a rule not yet fulfilled for a case. Derived on every request, never stored.

    Its link and texts are made when read (the rule's lazy strings, rules/base.py): most items of a manager's
    worklist are only counted. The names the page shows are read for the items shown (Worklist.shown_cases)."""

    rule: MethodRule
    case: CaseRow
    due_on: datetime.date
    overdue: bool
    outcome: Outcome

    @property
    def client_id(self) -> int:
        return self.case.client_id

    @property
    def responsible_id(self) -> int | None:
        return self.case.responsible_id

    @property
    def title(self) -> str:
        return str(self.outcome.title)

    @property
    def action(self) -> str:
        return str(self.outcome.action)

    @property
    def url(self) -> str:
        return str(self.outcome.url)


def _item(found: CaseOutcome) -> WorklistItem:
    outcome = found.outcome
    assert outcome.on is not None
    return WorklistItem(
        rule=found.config.rule,
        case=found.case,
        due_on=outcome.on,
        overdue=outcome.state == State.OVERDUE,
        outcome=outcome,
    )


def worklist_items(
    *,
    cases: QuerySet[Case],
    today: datetime.date | None = None,
    rule_codes: set[str] | None = None,
    rules: list[MethodRule] | None = None,
) -> list[WorklistItem]:
    """Due and overdue items of these cases, by date. Not audited: the caller audits what it shows.

    The rules read plain values (rules/facts.py). `rules`: `method_rules()` when the caller has read them."""
    # The collector stays paused until the cases' facts are freed (when _evaluated_items returns): resumed while they
    # live, its first collections would walk every fact row of a manager's thousands of cases (see
    # cycle_collection_paused; rows and items form no cycles, reference counting frees them).
    with cycle_collection_paused():
        return _evaluated_items(cases, today or timezone.localdate(), rule_codes, rules)


def _evaluated_items(
    cases: QuerySet[Case], today: datetime.date, rule_codes: set[str] | None, rules: list[MethodRule] | None
) -> list[WorklistItem]:
    facts = load_case_facts(cases)
    book = RuleBook({f.case.unit_id for f in facts.values()}, rules=rules)
    return [_item(o) for o in pending_outcomes(facts.values(), book, today, codes=rule_codes)]


@dataclass
class CaseworkerCount:
    user_id: int | None  # None: cases without a responsible caseworker
    case_id: int  # one of her cases with items, whose row gives her name (read with the shown items' cases)
    name: str = ""  # the caseworker's full name, else her username
    overdue: int = 0
    due: int = 0


@dataclass
class Worklist:
    items: list[WorklistItem]
    today: datetime.date
    shows_identity_of: set[int] = field(default_factory=set)  # client ids whose name may be shown
    shown_cases: dict[int, ShownCase] = field(default_factory=dict)  # the shown items' cases, by id
    per_caseworker: list[CaseworkerCount] = field(default_factory=list)  # managers only
    overdue_per_unit: list[tuple[Unit, int]] = field(default_factory=list)  # managers only

    @property
    def overdue(self) -> list[WorklistItem]:
        return [i for i in self.items if i.overdue]

    @property
    def due(self) -> list[WorklistItem]:
        return [i for i in self.items if not i.overdue]


def _summaries(user: User, items: list[WorklistItem]) -> tuple[list[CaseworkerCount], list[tuple[Unit, int]]]:
    """The items counted per caseworker (named and sorted by _show, which reads the names) and overdue per unit."""
    counts: dict[int | None, CaseworkerCount] = {}
    for item in items:
        case = item.case
        row = counts.get(case.responsible_id)
        if row is None:
            row = counts[case.responsible_id] = CaseworkerCount(case.responsible_id, case.pk)
        if item.overdue:
            row.overdue += 1
        else:
            row.due += 1
    overdue_by_unit = Counter(item.case.unit_id for item in items if item.overdue)
    units = list(user.units.order_by("name", "pk"))
    return list(counts.values()), [(unit, overdue_by_unit.get(unit.pk, 0)) for unit in units]


def _worklist(
    *, user: User, today: datetime.date, rule_code: str, responsible_id: int | None, rules: list[MethodRule] | None
) -> Worklist:
    """The items after the filters and, for a manager, the summaries of all items; nothing shown yet."""
    cases = worklist_cases(user)
    all_items = worklist_items(cases=cases, today=today, rules=rules)
    items = [i for i in all_items if not rule_code or i.rule.code == rule_code]
    worklist = Worklist(items=items, today=today)
    if is_manager(user):
        worklist.per_caseworker, worklist.overdue_per_unit = _summaries(user, all_items)
        if responsible_id is not None:
            worklist.items = [i for i in items if (i.case.responsible_id or 0) == responsible_id]
    return worklist


def _name_caseworkers(worklist: Worklist) -> None:
    """A manager's counts per caseworker get the caseworkers' names (read with the shown cases), then their order:
    the most overdue first, cases without a caseworker last."""
    for row in worklist.per_caseworker:
        row.name = worklist.shown_cases[row.case_id].responsible_name or ""
    worklist.per_caseworker.sort(key=lambda r: (r.user_id is None, -r.overdue, r.name))


def _show(worklist: Worklist, *, user: User, shown: list[WorklistItem], via: str) -> None:
    """The items `shown`: their cases' names (worklist.shown_cases), whose names may be shown
    (worklist.shows_identity_of), and one `client.listed` event per client, in the order shown. Clients of items
    not shown (other pages) are neither read nor audited."""
    # One query for the names: the shown items' cases and, for a manager's counts, one case of each caseworker.
    case_ids = {i.case.pk for i in shown} | {row.case_id for row in worklist.per_caseworker}
    worklist.shown_cases = _shown_cases(case_ids) if case_ids else {}
    _name_caseworkers(worklist)
    # Each client shown, in the order shown: whether the client's identity is protected.
    protected_by_client = {i.case.client_id: worklist.shown_cases[i.case.pk].protected_identity for i in shown}
    protected = [pk for pk, is_protected in protected_by_client.items() if is_protected]
    visible_protected = client_ids_with_visible_protected_identity(user=user, client_ids=protected)
    worklist.shows_identity_of = {
        pk for pk, is_protected in protected_by_client.items() if not is_protected or pk in visible_protected
    }
    if protected_by_client:
        audit_client_ids_listed(user=user, client_ids=list(protected_by_client), via=via)


def worklist_for(
    *,
    user: User,
    today: datetime.date | None = None,
    rule_code: str = "",
    responsible_id: int | None = None,
    via: str = "web",
    rules: list[MethodRule] | None = None,
) -> Worklist:
    """The user's worklist (Http404 for roles without one), optionally one rule's items only or (for a
    manager) one caseworker's. Writes one `client.listed` event per client of every item. `rules`:
    `method_rules()` when the caller has read them."""
    if not may_use_worklist(user):
        raise Http404
    today = today or timezone.localdate()
    worklist = _worklist(user=user, today=today, rule_code=rule_code, responsible_id=responsible_id, rules=rules)
    _show(worklist, user=user, shown=worklist.items, via=via)
    return worklist


def worklist_slice_for(
    *, user: User, start: int, stop: int, rule_code: str = "", via: str = "api", today: datetime.date | None = None
) -> tuple[Worklist, list[WorklistItem]]:
    """Items `start` to `stop` of the user's worklist in `worklist_for`'s order (by due date), and the whole
    worklist for their number. Only the slice's clients are audited; past the end, no item and no event."""
    if not may_use_worklist(user):
        raise Http404
    today = today or timezone.localdate()
    worklist = _worklist(user=user, today=today, rule_code=rule_code, responsible_id=None, rules=None)
    shown = worklist.items[start:stop]
    _show(worklist, user=user, shown=shown, via=via)
    return worklist, shown


def worklist_page_for(
    *,
    user: User,
    page_number: int | str | None,
    per_page: int = WORKLIST_PAGE_SIZE,
    today: datetime.date | None = None,
    rule_code: str = "",
    responsible_id: int | None = None,
    rules: list[MethodRule] | None = None,
) -> tuple[Worklist, Page[WorklistItem]]:
    """One page of the user's worklist, overdue items first, then due (each by date), as on the web page.

    `page_number` as `Paginator.get_page` takes it: not a number gives the first page, past the end the last.
    Every item is evaluated (a manager's summaries count them all), but only the page's clients are looked at
    for protected identity and audited (`client.listed`, via web): a listing audits what it shows."""
    if not may_use_worklist(user):
        raise Http404
    today = today or timezone.localdate()
    worklist = _worklist(user=user, today=today, rule_code=rule_code, responsible_id=responsible_id, rules=rules)
    page = Paginator(worklist.overdue + worklist.due, per_page).get_page(page_number)
    _show(worklist, user=user, shown=list(page.object_list), via="web")
    return worklist, page


# --- rules and their settings ----------------------------------------------------------------------


def may_configure_rules(user: User, unit: Unit | None = None) -> bool:
    """Unit managers for their own units (administrators use the admin site)."""
    if not is_manager(user):
        return False
    return unit is None or user.units.filter(pk=unit.pk).exists()


def managed_units(user: User) -> QuerySet[Unit]:
    if not is_manager(user):
        return Unit.objects.none()
    return user.units.order_by("name", "pk")


def managed_unit_get(*, user: User, unit_id: int) -> Unit:
    unit = managed_units(user).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def method_rule_get(*, code: str) -> MethodRule:
    rule = next((r for r in method_rules() if r.code == code), None)
    if rule is None:
        raise Http404
    return rule


def unit_rule_setting(*, unit: Unit, rule: MethodRule) -> UnitRuleSetting | None:
    return UnitRuleSetting.objects.filter(unit=unit, rule=rule).first()


def rule_overview(*, user: User) -> list[tuple[Unit, list[RuleConfig]]]:
    """For each unit the manager manages: every rule as the unit uses it (RuleConfig)."""
    units = list(managed_units(user))
    book = RuleBook(u.pk for u in units)
    return [(unit, book.for_unit(unit.pk, enabled_only=False)) for unit in units]


# --- the process map on the client page -------------------------------------------------------------


def case_for_process_map(*, client: Client, access: ClientAccess, cases: list[Case] | None = None) -> Case | None:
    """The case the map is about: the newest open case in the unit the user acts for, else the newest open
    case, else the newest case. `cases`: the client's cases with their unit, newest first, when read already."""
    if cases is None:
        cases = list(client.cases.select_related("unit").order_by("-opened_on", "-pk"))
    open_cases = [c for c in cases if c.status == CaseStatus.OPEN]
    unit = access.acting_for.unit
    in_unit = [c for c in open_cases if unit is not None and c.unit_id == unit.pk]
    return next(iter(in_unit or open_cases or cases), None)


def case_facts_on_page(page: ClientPage, case: Case) -> CaseFacts | None:
    """The case's facts from the client page's reads (no query of their own), equal to `load_case_facts` for the
    case; None when the page cannot give them: for a partner officer (whose reads are consent-filtered) or a case
    read without its unit's certificate settings."""
    row = loaded_case_row(case)
    if row is None or page.access.is_partner:
        return None
    return case_facts_from(
        row,
        certificates=page.certificates,
        sgi_statuses=page.sgi_statuses,
        consents=page.consents,
        healthcare_requests=page.healthcare_requests,
        meetings=page.meetings,
        plans=page.open_plans,
        sip_versions=page.sip_versions,
        activities=page.activities,
    )


def process_map_for(
    *,
    user: User,
    client: Client,
    access: ClientAccess,
    today: datetime.date | None = None,
    cases: list[Case] | None = None,
    page: ClientPage | None = None,
) -> tuple[Case, list[Step]] | None:
    """The process map of the client's case for unit staff (partners: None); the read is audited.
    `cases`: the client's cases (unit joined, newest first) when the caller has read them. `page`: the client
    page, whose reads (shared with its panels) give the case's facts."""
    if access.is_partner or user.role not in UNIT_STAFF_ROLES:
        return None
    if page is not None:
        cases = page.cases
    case = case_for_process_map(client=client, access=access, cases=cases)
    if case is None:
        return None
    steps = case_process_map(case, today, facts=case_facts_on_page(page, case) if page is not None else None)
    audit_log(
        actor=user,
        action="followup.process_viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        obj=case,
    )
    return case, steps
