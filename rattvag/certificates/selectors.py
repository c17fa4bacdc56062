"""Reads of certificates, sick leave and SGI status. Reads of one client's data are audited here."""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from rattvag.accounts.models import Role, Unit
from rattvag.audit.services import audit_log
from rattvag.clients.access import ClientAccess, visible_clients
from rattvag.clients.models import Case, CaseStatus, Client
from rattvag.clients.selectors import client_with_access

from .models import CareUnit, Certificate, CertificatePeriod, Diagnosis, SgiStatus, SgiStatusValue
from .quality import MAX_DAYS_BACKDATED, MIN_DFA_TEXT, Finding, QualityInput, check, finding_count
from .spells import DEFAULT_MAX_GAP, CertificateSpan, Period, SickLeave, sick_leave_as_of

if TYPE_CHECKING:
    from rattvag.accounts.models import User

EXPIRY_WARNING_DAYS = 14
COMPLETENESS_ROLES = frozenset({Role.CASEWORKER, Role.UNIT_MANAGER})


def certificate_spans_by_client(client_ids: Iterable[int] | QuerySet[Any]) -> dict[int, list[CertificateSpan]]:
    """Every certificate of these clients as the spell rules see it, from plain values in one query (reports over
    thousands of clients; no model instances). Certificates without periods are left out, as build_spells
    ignores them."""
    rows = (
        CertificatePeriod.objects.filter(certificate__client_id__in=client_ids)
        .order_by()
        .values_list("certificate__client_id", "certificate_id", "certificate__issued_on", "start", "end", "degree")
    )
    periods: dict[tuple[int, int, datetime.date], list[Period]] = defaultdict(list)
    for client_id, certificate_id, issued_on, start, end, degree in rows:
        periods[(client_id, certificate_id, issued_on)].append(Period(start, end, degree))
    spans: dict[int, list[CertificateSpan]] = defaultdict(list)
    for (client_id, certificate_id, issued_on), client_periods in sorted(periods.items()):
        spans[client_id].append(CertificateSpan(certificate_id, issued_on, tuple(client_periods)))
    return spans


@dataclass(frozen=True)
class SpellSummary:
    """What the statistics need of one client's spells (with one maximum gap), as the spell rules count them."""

    current_days: int | None = None  # sick-listed days of the spell current on the reference date, if any
    current_degree: int | None = None  # the degree on the reference date (only when asked for)
    starts: tuple[tuple[datetime.date, int | None], ...] = ()  # spells starting in the period: (first day, degree)


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def _degree_on(client: str, day: str) -> str:
    """The degree on ``day`` as ``degree_on`` decides it: the covering period of the certificate issued last."""
    return f"""(SELECT dp.degree FROM certificates_certificateperiod dp
        JOIN certificates_certificate dc ON dc.id = dp.certificate_id
        WHERE dc.client_id = {client} AND dp.start <= {day} AND dp."end" >= {day}
        ORDER BY dc.issued_on DESC, dc.id DESC, dp.degree DESC LIMIT 1)"""  # noqa: S608 - column names, no values


def _as_date(value: datetime.date | str) -> datetime.date:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def spell_summaries(
    pairs: QuerySet[Any], *, start: datetime.date, on: datetime.date, with_degrees: bool = False
) -> dict[tuple[int, int], SpellSummary]:
    """The current spell on ``on`` and the spells starting from ``start`` to ``on``, for (client, maximum gap) pairs,
    computed in the database in one statement: the rules of ``spells.sick_leave_as_of`` as gaps and islands.

    ``pairs`` is a values queryset of two columns, the client id and the maximum gap (distinct). Certificates merge
    into spells over a running maximum of their last days (ordered by first day, last day, id, as ``build_spells``);
    the current spell's days are the union of its periods (islands again); a spell is current when one of its
    periods covers ``on``. With ``with_degrees`` the degree on ``on`` and on each new spell's first day are read as
    ``degree_on`` does (every period covering a spell's day belongs to that spell's certificates). Pairs without
    a current or new spell are left out.
    """
    pairs_sql, pairs_params = pairs.query.sql_with_params()
    adapt = connection.ops.adapt_datefield_value
    s, d = adapt(start), adapt(on)
    before = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    degree_current = _degree_on("sp.client_id", "%s") if with_degrees else "NULL"
    degree_start = _degree_on("sp.client_id", "sp.start") if with_degrees else "NULL"
    if connection.vendor == "postgresql":
        # Each client's certificates through the index on client, in a lateral subquery (OFFSET 0 keeps it one):
        # joined plainly, PostgreSQL hashes the whole certificate table (a wide one) for a few thousand clients.
        spans = """
    SELECT pr.client_id, pr.gap, s.certificate_id, MIN(s.start) AS first_day, MAX(s."end") AS last_day
    FROM pairs pr
    CROSS JOIN LATERAL (
        SELECT c.id AS certificate_id, p.start, p."end"
        FROM certificates_certificate c
        JOIN certificates_certificateperiod p ON p.certificate_id = c.id
        WHERE c.client_id = pr.client_id
        OFFSET 0
    ) s
    GROUP BY pr.client_id, pr.gap, s.certificate_id"""
    else:
        spans = """
    SELECT pr.client_id, pr.gap, c.id AS certificate_id, MIN(p.start) AS first_day, MAX(p."end") AS last_day
    FROM pairs pr
    JOIN certificates_certificate c ON c.client_id = pr.client_id
    JOIN certificates_certificateperiod p ON p.certificate_id = c.id
    GROUP BY pr.client_id, pr.gap, c.id"""
    sql = f"""
WITH pairs (client_id, gap) AS ({pairs_sql}),
spans AS ({spans}
),
marked AS (
    SELECT client_id, gap, certificate_id, first_day, last_day,
           MAX(last_day) OVER (PARTITION BY client_id, gap ORDER BY first_day, last_day, certificate_id {before})
               AS reach
    FROM spans
),
numbered AS (
    SELECT client_id, gap, certificate_id, first_day, last_day,
           SUM(CASE WHEN reach IS NULL OR {_days_between("first_day", "reach")} - 1 > gap THEN 1 ELSE 0 END)
               OVER (PARTITION BY client_id, gap ORDER BY first_day, last_day, certificate_id ROWS UNBOUNDED PRECEDING)
               AS spell_no
    FROM marked
),
spells AS (
    SELECT client_id, gap, spell_no, MIN(first_day) AS start, MAX(last_day) AS last_day
    FROM numbered GROUP BY client_id, gap, spell_no
),
around AS (
    SELECT n.client_id, n.gap, p.id, p.start, p."end",
           MAX(p."end") OVER (PARTITION BY n.client_id, n.gap ORDER BY p.start, p."end", p.id {before}) AS reach
    FROM spells sp
    JOIN numbered n ON n.client_id = sp.client_id AND n.gap = sp.gap AND n.spell_no = sp.spell_no
    JOIN certificates_certificateperiod p ON p.certificate_id = n.certificate_id
    WHERE sp.start <= %s AND sp.last_day >= %s
),
islands AS (
    SELECT client_id, gap, start, "end",
           SUM(CASE WHEN reach IS NULL OR start > reach THEN 1 ELSE 0 END)
               OVER (PARTITION BY client_id, gap ORDER BY start, "end", id ROWS UNBOUNDED PRECEDING) AS island
    FROM around
),
island_days AS (
    SELECT client_id, gap, {_days_between('MAX("end")', "MIN(start)")} + 1 AS days,
           MAX(CASE WHEN start <= %s AND "end" >= %s THEN 1 ELSE 0 END) AS covers
    FROM islands GROUP BY client_id, gap, island
),
current_spells AS (
    SELECT client_id, gap, SUM(days) AS days FROM island_days
    GROUP BY client_id, gap HAVING MAX(covers) = 1
)
SELECT 1, sp.client_id, sp.gap, NULL, sp.days, {degree_current}
FROM current_spells sp
UNION ALL
SELECT 2, sp.client_id, sp.gap, sp.start, NULL, {degree_start}
FROM spells sp WHERE sp.start >= %s AND sp.start <= %s
"""  # noqa: S608 - the SQL is ours; values go as parameters
    params = [*pairs_params, d, d, d, d, *([d, d] if with_degrees else []), s, d]
    current: dict[tuple[int, int], tuple[int, int | None]] = {}
    starts: dict[tuple[int, int], list[tuple[datetime.date, int | None]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, client_id, gap, first_day, days, degree in cursor.fetchall():
            if kind == 1:
                current[(client_id, gap)] = (int(days), degree)
            else:
                starts[(client_id, gap)].append((_as_date(first_day), degree))
    return {
        key: SpellSummary(
            current_days=current[key][0] if key in current else None,
            current_degree=current[key][1] if key in current else None,
            starts=tuple(sorted(starts.get(key, ()))),
        )
        for key in current.keys() | starts.keys()
    }


def client_for(*, user: User, client_id: int, for_writing: bool = False) -> tuple[Client, ClientAccess]:
    """The client and how the user reaches it, or Http404. Not audited: the caller logs what it reads.

    A partner officer reaches certificates only when a consent purpose covers them, and never
    writes them: registering and correcting certificates is the municipality's work.
    """
    client, access = client_with_access(user=user, client_id=client_id)
    if not access.shows("certificates"):
        raise Http404
    if for_writing and access.is_partner:
        raise Http404
    return client, access


def _certificates(client: Client) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(client=client)
        .select_related("care_unit")
        .prefetch_related(
            Prefetch("diagnoses", queryset=Diagnosis.objects.order_by("position")),
            Prefetch("periods", queryset=CertificatePeriod.objects.order_by("start", "pk")),
        )
        .order_by("-issued_on", "-pk")
    )


def client_certificates(client: Client) -> list[Certificate]:
    """The client's certificates, newest first, with care unit, diagnoses and periods. Not audited: for a caller
    that logs the read (`certificate_list_for`, the client page through it)."""
    return list(_certificates(client))


def certificate_list_for(
    *,
    user: User,
    client: Client,
    access: ClientAccess,
    via: str = "web",
    certificates: list[Certificate] | None = None,
) -> list[Certificate]:
    """The client's certificates, newest first (one event for the list). `certificates`: the client's, when read
    already (`client_certificates`, e.g. by the client page): only the read is logged."""
    if certificates is None:
        certificates = client_certificates(client)
    audit_log(
        actor=user,
        action="certificate.listed",
        client_id=client.pk,
        acting_for=access.acting_for,
        data={"via": via, "count": len(certificates)},
    )
    return certificates


def certificate_get_for(
    *, user: User, client_id: int, certificate_id: int, via: str = "web", audit: bool = True
) -> tuple[Certificate, ClientAccess]:
    """One certificate of a visible client, or Http404; the read is audited."""
    client, access = client_for(user=user, client_id=client_id)
    # Who registered it is shown on the certificate's own page only.
    certificate = _certificates(client).select_related("registered_by").filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404
    certificate.client = client  # already loaded; saves a query
    if audit:
        audit_log(
            actor=user,
            action="certificate.viewed",
            client_id=client.pk,
            acting_for=access.acting_for,
            obj=certificate,
            data={"via": via},
        )
    return certificate, access


def quality_input_of(certificate: Certificate) -> QualityInput:
    return QualityInput(
        issued_on=certificate.issued_on,
        diagnosis_codes=[d.code for d in certificate.diagnoses.all()],
        functional_impairment=certificate.functional_impairment,
        activity_limitation=certificate.activity_limitation,
        basis=certificate.basis,
        prognosis=certificate.prognosis,
        periods=[Period(p.start, p.end, p.degree) for p in certificate.periods.all()],
    )


def quality_findings(certificate: Certificate) -> list[Finding]:
    return check(quality_input_of(certificate))


class CertificateQuality(NamedTuple):
    certificate_id: int
    client_id: int
    care_unit_id: int
    findings: int  # how many findings the quality check makes


def quality_of_certificates(certificates: QuerySet[Certificate]) -> list[CertificateQuality]:
    """The quality check of many certificates (statistics): the same findings as `quality_findings`, read as
    plain values in three queries (certificates, diagnoses, periods) instead of model instances; by id."""
    ids = certificates.order_by().values("pk")
    codes: dict[int, list[str]] = defaultdict(list)
    for certificate_id, code in (
        Diagnosis.objects.filter(certificate_id__in=ids)
        .order_by("certificate_id", "position")
        .values_list("certificate_id", "code")
    ):
        codes[certificate_id].append(code)
    periods: dict[int, list[Period]] = defaultdict(list)
    for certificate_id, start, end, degree in (
        CertificatePeriod.objects.filter(certificate_id__in=ids)
        .order_by("certificate_id", "start", "pk")
        .values_list("certificate_id", "start", "end", "degree")
    ):
        periods[certificate_id].append(Period(start, end, degree))
    rows = certificates.order_by("pk").values_list(
        "pk", "client_id", "care_unit_id", "issued_on", "functional_impairment", "activity_limitation", "basis",
        "prognosis",
    )  # fmt: skip
    return [
        CertificateQuality(
            pk,
            client_id,
            care_unit_id,
            finding_count(
                QualityInput(
                    issued_on=issued_on,
                    diagnosis_codes=codes.get(pk, []),
                    functional_impairment=impairment,
                    activity_limitation=limitation,
                    basis=basis,
                    prognosis=prognosis,
                    periods=periods.get(pk, []),
                )
            ),
        )
        for pk, client_id, care_unit_id, issued_on, impairment, limitation, basis, prognosis in rows
    ]


class CertificateCompleteness(NamedTuple):
    certificate_id: int
    client_id: int
    care_unit_id: int
    complete: bool  # the quality check finds nothing


def _plus_days(day: str, days: int) -> str:
    if connection.vendor == "sqlite":
        return f"date({day}, '{days:+d} days')"
    return f"({day} + {days})"


def _has_text(value: str | None) -> bool:
    """``quality``'s text rule: neither missing nor short once whitespace runs are joined."""
    return len(" ".join((value or "").split())) >= MIN_DFA_TEXT


def _has_basis(value: Any) -> bool:
    return bool(json.loads(value) if isinstance(value, str) else value)


def _materialized() -> str:
    """``MATERIALIZED`` for a CTE whose rows must be computed once (PostgreSQL 12+, SQLite 3.35+), else nothing."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return ""
    return "MATERIALIZED"


_CHOSEN_COLUMNS = "id, client_id, care_unit_id, issued_on, basis, prognosis, impairment, limitation"


def _completeness(chosen_sql: str, params: Sequence[Any]) -> list[CertificateCompleteness]:
    """The completeness verdicts of the certificates ``chosen_sql`` selects (``_CHOSEN_COLUMNS``), by id.

    A certificate selected twice is listed twice (its periods are joined twice, which changes neither its first and
    last day nor whether they leave a gap)."""
    before = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    # ``checked`` is materialized: inlined, its ``passes`` (with the diagnosis lookup) is evaluated once per use.
    sql = f"""
WITH chosen ({_CHOSEN_COLUMNS}) AS ({chosen_sql}),
ordered AS (
    SELECT p.certificate_id, p.start, p."end",
           MAX(p."end") OVER (PARTITION BY p.certificate_id ORDER BY p.start, p."end", p.id {before}) AS reach
    FROM chosen c
    JOIN certificates_certificateperiod p ON p.certificate_id = c.id
),
spans AS (
    SELECT certificate_id, MIN(start) AS first_day, MAX("end") AS last_day,
           MAX(CASE WHEN reach IS NOT NULL AND start > {_plus_days("reach", 1)} THEN 1 ELSE 0 END) AS gap
    FROM ordered GROUP BY certificate_id
),
checked AS {_materialized()} (
    SELECT c.id, c.client_id, c.care_unit_id, c.basis, c.impairment, c.limitation,
           CASE WHEN s.certificate_id IS NOT NULL
                     AND s.first_day >= {_plus_days("c.issued_on", -MAX_DAYS_BACKDATED)}
                     AND s.last_day >= c.issued_on
                     AND s.gap = 0
                     AND c.prognosis <> ''
                     AND length(c.impairment) >= {MIN_DFA_TEXT}
                     AND length(c.limitation) >= {MIN_DFA_TEXT}
                     AND EXISTS (SELECT 1 FROM certificates_diagnosis dx
                                 WHERE dx.certificate_id = c.id AND dx.code <> '')
                THEN 1 ELSE 0 END AS passes
    FROM chosen c
    LEFT JOIN spans s ON s.certificate_id = c.id
)
SELECT id, client_id, care_unit_id, passes,
       CASE WHEN passes = 1 THEN basis END,
       CASE WHEN passes = 1 THEN impairment END,
       CASE WHEN passes = 1 THEN limitation END
FROM checked
"""  # noqa: S608 - the SQL is ours; values go as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=itemgetter(0))  # by id: cheaper here than a sort of the wide rows in the database
    return [
        CertificateCompleteness(
            pk,
            client_id,
            care_unit_id,
            bool(passes) and _has_basis(basis) and _has_text(impairment) and _has_text(limitation),
        )
        for pk, client_id, care_unit_id, passes, basis, impairment, limitation in rows
    ]


def completeness_of_certificates(certificates: QuerySet[Certificate]) -> list[CertificateCompleteness]:
    """Whether the quality check finds nothing, for many certificates (statistics): the same verdict as
    ``finding_count(...) == 0`` in one statement. The database checks what SQL states exactly (a coded diagnosis,
    periods not backdated, reaching the issue date and without gaps, a prognosis, texts long enough before their
    whitespace is joined); Python checks the basis and the joined texts of the certificates that pass. By id."""
    chosen_sql, chosen_params = (
        certificates.order_by()
        .values("pk", "client_id", "care_unit_id", "issued_on", "basis", "prognosis")
        .annotate(impairment=F("functional_impairment"), limitation=F("activity_limitation"))
        .query.sql_with_params()
    )
    return _completeness(chosen_sql, chosen_params)


def completeness_of_client_certificates(
    clients: QuerySet[Any], *, issued_from: datetime.date, issued_to: datetime.date
) -> list[CertificateCompleteness]:
    """``completeness_of_certificates`` of the certificates issued from ``issued_from`` to ``issued_to`` (both
    included) of the clients ``clients`` selects (a values queryset of one column, the client id; duplicates are
    fine): the statistics' certificates, found through the index on client and issue date."""
    clients_sql, clients_params = clients.query.sql_with_params()
    columns = "c.id, c.client_id, c.care_unit_id, c.issued_on, c.basis, c.prognosis"
    texts = "c.functional_impairment, c.activity_limitation"
    issued = "c.issued_on >= %s AND c.issued_on <= %s"
    if connection.vendor == "postgresql":
        # A lateral subquery per client (OFFSET 0 keeps it one): joined plainly, PostgreSQL reads the whole certificate
        # table (a wide one) for a few thousand clients.
        chosen_sql = f"""
    SELECT {columns}, {texts}
    FROM (SELECT DISTINCT m.client_id FROM ({clients_sql}) m (client_id)) m
    CROSS JOIN LATERAL (
        SELECT * FROM certificates_certificate c WHERE c.client_id = m.client_id AND {issued} OFFSET 0
    ) c"""  # noqa: S608
    else:
        chosen_sql = f"""
    SELECT {columns}, {texts}
    FROM certificates_certificate c
    WHERE c.client_id IN ({clients_sql}) AND {issued}"""  # noqa: S608
    adapt = connection.ops.adapt_datefield_value
    return _completeness(chosen_sql, [*clients_params, adapt(issued_from), adapt(issued_to)])


def max_gap_for_unit(unit: Unit | None) -> int:
    if unit is None:
        return DEFAULT_MAX_GAP
    from .models import UnitCertificateSettings

    row = UnitCertificateSettings.objects.filter(unit=unit).only("max_gap").first()
    return row.max_gap if row is not None else DEFAULT_MAX_GAP


def sick_leave_of(
    certificates: Sequence[Certificate], *, on: datetime.date, max_gap: int = DEFAULT_MAX_GAP
) -> SickLeave:
    return sick_leave_as_of([c.as_span() for c in certificates], on, max_gap)


def sick_leave_for(
    *,
    user: User,
    client: Client,
    access: ClientAccess,
    on: datetime.date | None = None,
    max_gap: int | None = None,
    via: str = "web",
    certificates: Sequence[Certificate] | None = None,
) -> tuple[SickLeave, list[Certificate]]:
    """The client's spells as of a date (default today) with the unit's max_gap; the read is audited.

    Pass `certificates` when they are already loaded (for the same client).
    """
    certificates = list(certificates) if certificates is not None else list(_certificates(client))
    on = on or timezone.localdate()
    gap = max_gap if max_gap is not None else max_gap_for_unit(access.acting_for.unit)
    sick_leave = sick_leave_of(certificates, on=on, max_gap=gap)
    audit_log(
        actor=user,
        action="sick_leave.viewed",
        client_id=client.pk,
        acting_for=access.acting_for,
        data={"via": via, "max_gap": gap},
    )
    return sick_leave, certificates


def sgi_current(client: Client) -> SgiStatus | None:
    return client.sgi_statuses.select_related("recorded_by").order_by("-recorded_on", "-pk").first()


def sgi_history(client: Client) -> list[SgiStatus]:
    """The client's SGI statuses, newest first (who recorded each is not shown, so not joined)."""
    return list(client.sgi_statuses.order_by("-recorded_on", "-pk"))


def open_case_of(client: Client, access: ClientAccess) -> Case | None:
    cases = client.cases.filter(status=CaseStatus.OPEN).order_by("-opened_on", "-pk")
    if access.acting_for.unit is not None:
        in_unit = cases.filter(unit=access.acting_for.unit).first()
        if in_unit is not None:
            return in_unit
    return cases.first()


# --- Tasks for the worklist -------------------------------------------------------------------


class TaskRow(NamedTuple):
    client_id: int
    due_on: datetime.date
    kind: str


SGI_CHECK = "sgi_check"
CERTIFICATE_EXPIRING = "certificate_expiring"
CERTIFICATE_EXPIRED = "certificate_expired"


def _clients_in_method(user: User, client: Client | None = None) -> QuerySet[Client]:
    """Visible clients with an open case: tasks are only made for ongoing work."""
    clients = visible_clients(user).filter(Exists(Case.objects.filter(client=OuterRef("pk"), status=CaseStatus.OPEN)))
    return clients.filter(pk=client.pk) if client is not None else clients


def clients_needing_sgi_check(
    user: User, today: datetime.date | None = None, *, client: Client | None = None
) -> list[TaskRow]:
    """Clients sick-listed today whose SGI status is unknown: "apply for sjukpenning / check SGI".

    Due on the first day of the period covering today.
    """
    today = today or timezone.localdate()
    latest_status = SgiStatus.objects.filter(client=OuterRef("pk")).order_by("-recorded_on", "-pk").values("status")[:1]
    covering = CertificatePeriod.objects.filter(
        certificate__client=OuterRef("pk"), start__lte=today, end__gte=today
    ).order_by("start")
    rows = (
        _clients_in_method(user, client)
        .annotate(sgi=Subquery(latest_status), sick_from=Subquery(covering.values("start")[:1]))
        .filter(sick_from__isnull=False)
        .filter(Q(sgi__isnull=True) | Q(sgi=SgiStatusValue.UNKNOWN))
        .order_by("sick_from", "pk")
        .values_list("pk", "sick_from")
    )
    return [TaskRow(client_id, due_on, SGI_CHECK) for client_id, due_on in rows]


def certificates_expiring(
    user: User, today: datetime.date | None = None, *, client: Client | None = None
) -> list[TaskRow]:
    """Clients whose last certified day is within 14 days, or has passed without a newer certificate.

    Due on that last day; the kind tells whether it is still ahead (expiring) or past (expired).
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    rows = (
        CertificatePeriod.objects.filter(certificate__client__in=_clients_in_method(user, client))
        .values("certificate__client_id")
        .annotate(last_day=Max("end"))
        .filter(last_day__lte=horizon)
        .order_by("last_day", "certificate__client_id")
        .values_list("certificate__client_id", "last_day")
    )
    return [
        TaskRow(client_id, last_day, CERTIFICATE_EXPIRING if last_day >= today else CERTIFICATE_EXPIRED)
        for client_id, last_day in rows
    ]


def client_tasks(*, user: User, client: Client, today: datetime.date | None = None) -> list[TaskRow]:
    """This client's certificate and SGI tasks (shown on the client page until the worklist takes them)."""
    return [
        *clients_needing_sgi_check(user, today, client=client),
        *certificates_expiring(user, today, client=client),
    ]


# --- Care units ---------------------------------------------------------------------------------


def care_unit_search(query: str = "", *, limit: int = 50) -> QuerySet[CareUnit]:
    """Active care units (not merged away) whose name, HSA-id or municipality matches."""
    units = CareUnit.objects.filter(merged_into__isnull=True)
    for term in (query or "").split():
        units = units.filter(Q(name__icontains=term) | Q(hsa_id__icontains=term) | Q(municipality__icontains=term))
    return units.order_by("name", "pk")[:limit]


def may_see_completeness(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in COMPLETENESS_ROLES)


@dataclass(frozen=True)
class CareUnitCompleteness:
    care_unit: CareUnit
    certificates: int
    complete: int  # certificates without findings
    findings: int

    @property
    def share_complete(self) -> float:
        return self.complete / self.certificates if self.certificates else 0.0

    @property
    def mean_findings(self) -> float:
        return self.findings / self.certificates if self.certificates else 0.0


def care_unit_completeness(*, user: User) -> list[CareUnitCompleteness]:
    """Certificate completeness per care unit over the certificates of the clients the user sees.

    Poorest first (lowest share complete, then most findings per certificate).
    """
    if not may_see_completeness(user):
        raise Http404
    totals: dict[int, list[int]] = {}
    for row in quality_of_certificates(Certificate.objects.filter(client__in=visible_clients(user))):
        tally = totals.setdefault(row.care_unit_id, [0, 0, 0])
        tally[0] += 1
        tally[1] += row.findings == 0
        tally[2] += row.findings
    units = CareUnit.objects.in_bulk(list(totals))
    result = [CareUnitCompleteness(units[pk], n, complete, findings) for pk, (n, complete, findings) in totals.items()]
    audit_log(actor=user, action="certificate.completeness_viewed", data={"care_units": len(result)})
    return sorted(result, key=lambda r: (r.share_complete, -r.mean_findings, r.care_unit.name, r.care_unit.pk))
