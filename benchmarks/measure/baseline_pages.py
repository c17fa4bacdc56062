"""The worklist and the client page in SQL (definitions: rattvag/followup/rules/*.py and the client page's panels).

Worklist: the caseworker's open cases in her units, and for each case every method rule her unit uses that is
due or overdue today, with its due date — eleven rules, each one ``SELECT`` over the case's facts, joined by
``UNION ALL`` into one statement. The rules' parameters (the rule rows and the unit's settings) are read first,
in one small query, and enter the statement as a ``VALUES`` list. Sick-leave spells as of today are gaps and
islands in SQL as in the statistics; the day a spell reaches N sick-listed days is found from the running count
of days over the spell's covered stretches.

Client page: one query per panel's data (the client and cases; certificates with their quality check; the
current spell; SGI; consents; questions to healthcare; meetings and open agreed actions; the SIP; plans and
activities; ladder assessments and questionnaires) and the worklist statement for the case on the process map.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .baseline_stats import DEFAULT_MAX_GAP, MAX_DAYS_BACKDATED, MIN_DFA_TEXT
from .sql import Dialect, as_date, fetch, id_list

RULE_CODES = (
    "active_plan",
    "sgi_checked",
    "consent_before_healthcare",
    "mapping_meeting",
    "contact_plan",
    "sip_when_agencies",
    "work_capacity_before_application",
    "certificate_expiry",
    "healthcare_unanswered",
    "plan_follow_up",
    "consent_expiring",
)
DEFAULT_PARAMS = {
    "active_plan": 60,
    "sgi_checked": 7,
    "mapping_meeting": 30,
    "contact_plan": 14,
    "sip_when_agencies": 30,
    "certificate_expiry": 14,
    "plan_follow_up": 14,
    "consent_expiring": 14,
}
PARAM_LIMITS = {
    "active_plan": (1, 730),
    "sgi_checked": (0, 90),
    "mapping_meeting": (1, 365),
    "contact_plan": (1, 365),
    "sip_when_agencies": (0, 365),
    "certificate_expiry": (0, 90),
    "plan_follow_up": (0, 90),
    "consent_expiring": (1, 90),
}


@dataclass
class WorklistRows:
    items: set[tuple[int, str, datetime.date]] = field(default_factory=set)  # (case, rule, due on)
    today: datetime.date | None = None

    def figures(self) -> dict[str, Any]:
        assert self.today is not None
        found: dict[str, Any] = {
            "items": len(self.items),
            # a rule broken on a day (consent before healthcare) is overdue from that day; the others after it
            "overdue": sum(
                1 for _c, rule, due in self.items if due < self.today or rule == "consent_before_healthcare"
            ),
            "cases with items": len({c for c, _r, _d in self.items}),
        }
        for case_id, rule, due in self.items:
            found[f"case {case_id} {rule}"] = due.isoformat()
        return found


def _rule_config(unit_ids: list[int]) -> list[tuple[int, str, int]]:
    """(unit, rule code, days) of every rule each unit uses: the rule rows and the units' settings, one query."""
    rows = fetch(
        f"""
        SELECT r.code, r.enabled_by_default, r.parameters, s.unit_id, s.enabled, s.parameters
        FROM followup_methodrule r
        LEFT JOIN followup_unitrulesetting s ON s.rule_id = r.id AND s.unit_id IN ({id_list(unit_ids)})
        """  # noqa: S608
    )
    defaults: dict[str, tuple[bool, Any]] = {}
    settings: dict[tuple[int, str], tuple[bool, Any]] = {}
    for code, enabled_by_default, parameters, unit_id, enabled, unit_parameters in rows:
        defaults[code] = (bool(enabled_by_default), _json(parameters))
        if unit_id is not None:
            settings[(unit_id, code)] = (bool(enabled), _json(unit_parameters))
    config = []
    for unit_id in unit_ids:
        for code in RULE_CODES:
            if code not in defaults:
                continue
            enabled, parameters = defaults[code]
            layers = [parameters]
            if (unit_id, code) in settings:
                enabled, unit_parameters = settings[(unit_id, code)]
                layers.append(unit_parameters)
            if not enabled:
                continue
            days = DEFAULT_PARAMS.get(code, 0)
            low, high = PARAM_LIMITS.get(code, (0, 0))
            name = "notice_days" if code == "plan_follow_up" else "days"
            for layer in layers:
                value = layer.get(name) if isinstance(layer, dict) else None
                if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
                    days = value
            config.append((unit_id, code, days))
    return config


def _json(value: Any) -> Any:
    if isinstance(value, str):
        import json

        return json.loads(value)
    return value


def worklist_sql(d: Dialect, config: list[tuple[int, str, int]], cases_where: str) -> str:
    """The pending rule outcomes (case, rule, due on) of the cases ``cases_where`` selects (alias c)."""
    values = ", ".join(f"({int(u)}, '{code}', {int(days)})" for u, code, days in config) or "(0, '', 0)"
    prev = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    today = "%(today)s"
    activity_day = f"COALESCE(a.started_on, a.planned_on, {d.local_date('a.created_at')})"
    # the earliest of planned / started / ended (offered_on), else the day it was recorded
    offered_on = (
        "CASE WHEN COALESCE(a.planned_on, a.started_on, a.ended_on) IS NULL "  # noqa: S608
        f"THEN {d.local_date('a.created_at')} ELSE "
        "(SELECT MIN(x) FROM (SELECT a.planned_on AS x UNION ALL SELECT a.started_on UNION ALL SELECT a.ended_on) o) "
        "END"
    )

    def valid_on(alias: str, day: str) -> str:
        """The consent ``alias`` is valid on ``day`` (Consent.status_on)."""
        return (
            f"NOT ({alias}.withdrawn_on IS NOT NULL AND {alias}.withdrawn_on <= {day}) AND {alias}.given_on <= {day} "  # noqa: S608
            f"AND CASE WHEN {alias}.until_case_closes THEN "
            f"NOT EXISTS (SELECT 1 FROM clients_case cc WHERE cc.id = {alias}.case_id AND cc.closed_on <= {day}) "
            f"ELSE {alias}.valid_until IS NOT NULL AND {alias}.valid_until >= {day} END"
        )

    def covered(request: str, day: str) -> str:
        """A consent of the client to contact the request's care unit (or its kind) valid on ``day``."""
        return (
            "EXISTS (SELECT 1 FROM consent_consent k "  # noqa: S608
            "JOIN consent_consentpurposegrant g ON g.consent_id = k.id AND g.purpose = 'contact_healthcare' "
            f"WHERE k.client_id = {request}.client_id "
            f"AND (k.partner_id = {request}.care_unit_id OR (k.partner_id IS NULL AND k.partner_kind = "
            f"(SELECT pk.kind FROM accounts_partner pk WHERE pk.id = {request}.care_unit_id))) "
            f"AND {valid_on('k', day)})"
        )

    def ends_on(alias: str) -> str:
        """Consent.ends_on() (for consents that are not withdrawn)."""
        return (
            f"CASE WHEN {alias}.until_case_closes THEN "  # noqa: S608
            f"(SELECT {d.plus_days('cc.closed_on', '-1')} FROM clients_case cc WHERE cc.id = {alias}.case_id) "
            f"ELSE {alias}.valid_until END"
        )

    return f"""
WITH cfg (unit_id, code, days) AS (VALUES {values}),
cases AS MATERIALIZED (
    SELECT c.id, c.client_id, c.unit_id, c.opened_on, COALESCE(ucs.max_gap, {DEFAULT_MAX_GAP}) AS gap
    FROM clients_case c
    LEFT JOIN certificates_unitcertificatesettings ucs ON ucs.unit_id = c.unit_id
    WHERE {cases_where}
),
rules AS (
    SELECT cases.*, cfg.code, cfg.days FROM cases JOIN cfg ON cfg.unit_id = cases.unit_id
),
-- sick-leave spells as of today (per client and gap)
spans AS (
    SELECT g.client_id, g.gap, ce.id AS certificate_id, ce.received_on, MIN(p.start) AS first_day,
           MAX(p."end") AS last_day
    FROM (SELECT DISTINCT client_id, gap FROM cases) g
    JOIN certificates_certificate ce ON ce.client_id = g.client_id
    JOIN certificates_certificateperiod p ON p.certificate_id = ce.id
    GROUP BY g.client_id, g.gap, ce.id, ce.received_on
),
span_spells AS (
    SELECT client_id, gap, certificate_id, received_on,
           SUM(CASE WHEN reach IS NULL OR {d.days("first_day", "reach")} - 1 > gap THEN 1 ELSE 0 END)
               OVER (PARTITION BY client_id, gap ORDER BY first_day, last_day, certificate_id ROWS UNBOUNDED PRECEDING)
               AS spell_no
    FROM (
        SELECT s.*, MAX(last_day) OVER (PARTITION BY client_id, gap ORDER BY first_day, last_day, certificate_id {prev})
               AS reach
        FROM spans s
    ) marked
),
islands AS (
    SELECT client_id, gap, spell_no, MIN(start) AS start, MAX("end") AS last_day,
           {d.days('MAX("end")', "MIN(start)")} + 1 AS days
    FROM (
        SELECT client_id, gap, spell_no, start, "end",
               SUM(CASE WHEN reach IS NULL OR start > reach THEN 1 ELSE 0 END)
                   OVER (PARTITION BY client_id, gap, spell_no ORDER BY start, "end" ROWS UNBOUNDED PRECEDING) AS island
        FROM (
            SELECT ss.client_id, ss.gap, ss.spell_no, p.start, p."end",
                   MAX(p."end") OVER (PARTITION BY ss.client_id, ss.gap, ss.spell_no
                                      ORDER BY p.start, p."end", p.id {prev}) AS reach
            FROM span_spells ss JOIN certificates_certificateperiod p ON p.certificate_id = ss.certificate_id
        ) periods
    ) marked
    GROUP BY client_id, gap, spell_no, island
),
current_spells AS MATERIALIZED (
    SELECT client_id, gap, spell_no FROM islands
    WHERE start <= {today} AND last_day >= {today}
    GROUP BY client_id, gap, spell_no
),
spell_islands AS (
    SELECT i.*, SUM(i.days) OVER (PARTITION BY i.client_id, i.gap ORDER BY i.start ROWS UNBOUNDED PRECEDING)
                - i.days AS days_before
    FROM islands i JOIN current_spells cs ON cs.client_id = i.client_id AND cs.gap = i.gap AND cs.spell_no = i.spell_no
),
open_plans AS (
    SELECT p.client_id, p.kind, MIN(p.id) AS plan_id FROM plans_plan p
    WHERE p.ended_on IS NULL AND p.client_id IN (SELECT client_id FROM cases)
      AND EXISTS (SELECT 1 FROM plans_planversion v WHERE v.plan_id = p.id)
    GROUP BY p.client_id, p.kind
),
sent_requests AS (
    SELECT r.* FROM consent_healthcarerequest r
    WHERE r.client_id IN (SELECT client_id FROM cases) AND r.status <> 'draft' AND r.sent_on IS NOT NULL
)
-- active plan by the day the current spell reaches N sick-listed days
SELECT r.id, r.code, {d.plus_days("si.start", "r.days - si.days_before - 1")}
FROM rules r
JOIN spell_islands si ON si.client_id = r.client_id AND si.gap = r.gap
                     AND si.days_before < r.days AND si.days_before + si.days >= r.days
WHERE r.code = 'active_plan'
  AND NOT EXISTS (SELECT 1 FROM open_plans op WHERE op.client_id = r.client_id AND op.kind = 'active')
UNION ALL
-- SGI checked, days after the first certificate of the current spell was received
SELECT r.id, r.code, {d.plus_days("MIN(sp.received_on)", "r.days")}
FROM rules r
JOIN current_spells cs ON cs.client_id = r.client_id AND cs.gap = r.gap
JOIN span_spells sp ON sp.client_id = cs.client_id AND sp.gap = cs.gap AND sp.spell_no = cs.spell_no
WHERE r.code = 'sgi_checked'
  AND COALESCE((SELECT s.status FROM certificates_sgistatus s WHERE s.client_id = r.client_id
                ORDER BY s.recorded_on DESC, s.id DESC LIMIT 1), 'unknown') NOT IN ('none', 'has')
GROUP BY r.id, r.code, r.days
UNION ALL
-- healthcare contacted without a consent covering it (not covered today either): overdue since it was sent
SELECT r.id, r.code, MIN(q.sent_on)
FROM rules r JOIN sent_requests q ON q.client_id = r.client_id
WHERE r.code = 'consent_before_healthcare'
  AND NOT {covered("q", "q.sent_on")} AND NOT {covered("q", today)}
GROUP BY r.id, r.code
UNION ALL
-- mapping meeting within N days after ill-health was recorded
SELECT r.id, r.code,
       {
        d.plus_days(
            "COALESCE((SELECT MIN(ce.received_on) FROM certificates_certificate ce WHERE ce.client_id = r.client_id "
            "AND (ce.case_id = r.id OR ce.received_on >= r.opened_on)), r.opened_on)",
            "r.days",
        )
    }
FROM rules r
WHERE r.code = 'mapping_meeting'
  AND NOT EXISTS (SELECT 1 FROM meetings_meeting m WHERE m.client_id = r.client_id
                  AND (m.case_id IS NULL OR m.case_id = r.id) AND m.kind = 'mapping' AND m.status = 'held')
UNION ALL
-- contact plan within N days after the case opened
SELECT r.id, r.code, {d.plus_days("r.opened_on", "r.days")}
FROM rules r
WHERE r.code = 'contact_plan'
  AND NOT EXISTS (SELECT 1 FROM open_plans op WHERE op.client_id = r.client_id AND op.kind = 'contact')
UNION ALL
-- SIP within N days after the second agency's intervention began
SELECT id, code, {d.plus_days("MIN(involved_on)", "days")} FROM (
    SELECT r.id, r.code, r.days, x.day AS involved_on FROM rules r
    JOIN (
        SELECT case_id, day FROM (
            SELECT case_id, day, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY day) AS nth FROM (
                SELECT cs.id AS case_id, pa.kind, MIN({activity_day}) AS day
                FROM cases cs
                JOIN plans_activity a ON a.client_id = cs.client_id AND (a.case_id IS NULL OR a.case_id = cs.id)
                JOIN accounts_partner pa ON pa.id = a.partner_id
                WHERE a.ended_on IS NULL
                GROUP BY cs.id, pa.kind
            ) kinds
        ) ranked WHERE nth = 2
        UNION ALL
        SELECT case_id, {d.local_date("first_at")} FROM (
            SELECT case_id, first_at, ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY first_at) AS nth FROM (
                SELECT cs.id AS case_id, aa.responsible_partner_id, MIN(m.starts_at) AS first_at
                FROM cases cs
                JOIN meetings_meeting m ON m.client_id = cs.client_id AND (m.case_id IS NULL OR m.case_id = cs.id)
                JOIN meetings_agreedaction aa ON aa.meeting_id = m.id
                WHERE aa.done_on IS NULL AND aa.responsible_partner_id IS NOT NULL
                GROUP BY cs.id, aa.responsible_partner_id
            ) partners
        ) ranked WHERE nth = 2
    ) x ON x.case_id = r.id
    WHERE r.code = 'sip_when_agencies'
      AND NOT EXISTS (SELECT 1 FROM meetings_sip s WHERE s.client_id = r.client_id AND s.ended_on IS NULL
                      AND EXISTS (SELECT 1 FROM meetings_sipversion v WHERE v.sip_id = s.id))
) involved
GROUP BY id, code, days
UNION ALL
-- a work-capacity assessment offered before an application for sjukersättning / aktivitetsersättning
SELECT id, code, applied_on FROM (
    SELECT r.id, r.code, r.client_id, (
        SELECT MIN({activity_day}) FROM plans_activity a JOIN plans_activitytype t ON t.id = a.type_id
        WHERE a.client_id = r.client_id AND (a.case_id IS NULL OR a.case_id = r.id)
          AND t.code = 'disability_benefit_application') AS applied_on
    FROM rules r WHERE r.code = 'work_capacity_before_application'
) applications
WHERE applied_on IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM plans_activity a JOIN plans_activitytype t ON t.id = a.type_id
      WHERE a.client_id = applications.client_id AND (a.case_id IS NULL OR a.case_id = applications.id)
        AND t.code = 'work_capacity_assessment' AND {offered_on} <= applications.applied_on)
UNION ALL
-- the last certified day within N days (or passed)
SELECT id, code, last_day FROM (
    SELECT r.id, r.code, r.days, (
        SELECT MAX(p."end") FROM certificates_certificate ce
        JOIN certificates_certificateperiod p ON p.certificate_id = ce.id WHERE ce.client_id = r.client_id
    ) AS last_day
    FROM rules r WHERE r.code = 'certificate_expiry'
) expiry
WHERE last_day IS NOT NULL AND last_day <= {d.plus_days(today, "days")}
UNION ALL
-- questions to healthcare answered by their reminder date
SELECT r.id, r.code, MIN(q.remind_on)
FROM rules r JOIN sent_requests q ON q.client_id = r.client_id
WHERE r.code = 'healthcare_unanswered' AND q.status = 'sent' AND q.remind_on IS NOT NULL
GROUP BY r.id, r.code
UNION ALL
-- the active plan followed up by its follow-up date
SELECT r.id, r.code, fu.follow_up_on
FROM rules r
JOIN open_plans op ON op.client_id = r.client_id AND op.kind = 'active'
JOIN plans_planversion fu ON fu.plan_id = op.plan_id
 AND fu.number = (SELECT MAX(v.number) FROM plans_planversion v WHERE v.plan_id = op.plan_id)
WHERE r.code = 'plan_follow_up' AND fu.follow_up_on IS NOT NULL
  AND {today} >= {d.plus_days("fu.follow_up_on", "-r.days")}
  AND NOT EXISTS (
      SELECT 1 FROM meetings_meeting m WHERE m.client_id = r.client_id AND (m.case_id IS NULL OR m.case_id = r.id)
        AND m.kind = 'follow_up' AND m.status = 'held'
        AND {d.local_date("m.starts_at")} >= {d.plus_days("fu.follow_up_on", "-r.days")})
UNION ALL
-- a consent that runs out is renewed in time
SELECT id, code, MIN(ends) FROM (
    SELECT r.id, r.code, {ends_on("k")} AS ends, r.days, k.id AS consent_id, k.partner_id, k.partner_kind
    FROM rules r JOIN consent_consent k ON k.client_id = r.client_id
    WHERE r.code = 'consent_expiring' AND k.withdrawn_on IS NULL AND k.given_on <= {today}
) candidates
WHERE ends IS NOT NULL
  AND ends >= {d.plus_days(today, "-days")} AND ends <= {d.plus_days(today, "days")}
  AND EXISTS (
      SELECT 1 FROM consent_consentpurposegrant g WHERE g.consent_id = candidates.consent_id
        AND NOT EXISTS (
            SELECT 1 FROM consent_consent o
            JOIN consent_consentpurposegrant og ON og.consent_id = o.id AND og.purpose = g.purpose
            JOIN cases oc ON oc.id = candidates.id
            WHERE o.client_id = oc.client_id AND o.id <> candidates.consent_id AND o.withdrawn_on IS NULL
              AND COALESCE(o.partner_id, 0) = COALESCE(candidates.partner_id, 0)
              AND o.partner_kind = candidates.partner_kind
              AND ({ends_on("o")} IS NULL OR {ends_on("o")} > candidates.ends)))
GROUP BY id, code
"""  # noqa: S608


def worklist_rows(*, user_id: int, today: datetime.date, dialect: Dialect | None = None) -> WorklistRows:
    """The caseworker's worklist: the pending items of the open cases she is responsible for in her units."""
    d = dialect or Dialect()
    units = [u for (u,) in fetch("SELECT unit_id FROM accounts_user_units WHERE user_id = %(u)s", {"u": user_id})]
    where = (
        "c.status = 'open' AND c.responsible_id = %(user)s "
        "AND c.unit_id IN (SELECT unit_id FROM accounts_user_units WHERE user_id = %(user)s)"
    )
    rows = fetch(worklist_sql(d, _rule_config(units), where), {"user": user_id, "today": d.date(today)})
    return WorklistRows({(int(c), str(r), _date(due)) for c, r, due in rows}, today)


def _date(value: Any) -> datetime.date:
    day = as_date(value)
    assert day is not None
    return day


def app_worklist_rows(user: Any, today: datetime.date) -> WorklistRows:
    """The app's worklist items (the selector the page calls, without the audit)."""
    from rattvag.followup.selectors import worklist_cases, worklist_items

    items = worklist_items(cases=worklist_cases(user), today=today)
    return WorklistRows({(i.case.pk, i.rule.code, i.due_on) for i in items}, today)


# --- the client page ---------------------------------------------------------------------------------------------


@dataclass
class ClientPage:
    values: dict[str, Any] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        return self.values


def client_page(*, client_id: int, user_id: int, today: datetime.date, dialect: Dialect | None = None) -> ClientPage:
    """What the client page's panels show, one query per panel."""
    d = dialect or Dialect()
    params = {"client": client_id, "user": user_id, "today": d.date(today)}
    page = ClientPage()
    v = page.values
    # the client and the case the page acts for (the newest open case in the user's units)
    case_rows = fetch(
        """
        SELECT cl.id, c.id, c.unit_id, c.status, c.opened_on, COALESCE(ucs.max_gap, %(gap)s)
        FROM clients_client cl
        JOIN clients_case c ON c.client_id = cl.id
        LEFT JOIN certificates_unitcertificatesettings ucs ON ucs.unit_id = c.unit_id
        WHERE cl.id = %(client)s
        ORDER BY CASE WHEN c.status = 'open' AND c.unit_id IN (
                     SELECT unit_id FROM accounts_user_units WHERE user_id = %(user)s) THEN 0
                      WHEN c.status = 'open' THEN 1 ELSE 2 END, c.opened_on DESC, c.id DESC
        """,
        {**params, "gap": DEFAULT_MAX_GAP},
    )
    case_id, gap = case_rows[0][1], int(case_rows[0][5])
    v["cases"] = len(case_rows)
    # certificates with the quality check
    certificate_rows = fetch(
        f"""
        SELECT ce.id,
               CASE WHEN EXISTS (SELECT 1 FROM certificates_diagnosis dx WHERE dx.certificate_id = ce.id
                                 AND dx.code <> '')
                     AND {d.json_length("ce.basis")} > 0
                     AND length(trim(ce.functional_impairment)) >= {MIN_DFA_TEXT}
                     AND length(trim(ce.activity_limitation)) >= {MIN_DFA_TEXT}
                     AND ce.prognosis <> ''
                     AND p.first_day IS NOT NULL
                     AND p.first_day >= {d.plus_days("ce.issued_on", str(-MAX_DAYS_BACKDATED))}
                     AND p.last_day >= ce.issued_on AND p.gaps = 0
                    THEN 1 ELSE 0 END
        FROM certificates_certificate ce
        LEFT JOIN (
            SELECT certificate_id, MIN(start) AS first_day, MAX("end") AS last_day,
                   SUM(CASE WHEN reach IS NOT NULL AND start > {d.plus_days("reach", "1")} THEN 1 ELSE 0 END) AS gaps
            FROM (
                SELECT p.certificate_id, p.start, p."end",
                       MAX(p."end") OVER (PARTITION BY p.certificate_id ORDER BY p.start, p."end"
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
                FROM certificates_certificateperiod p
                JOIN certificates_certificate c2 ON c2.id = p.certificate_id WHERE c2.client_id = %(client)s
            ) marked GROUP BY certificate_id
        ) p ON p.certificate_id = ce.id
        WHERE ce.client_id = %(client)s
        ORDER BY ce.issued_on DESC, ce.id DESC
        """,  # noqa: S608
        params,
    )
    v["certificates"] = len(certificate_rows)
    v["certificates without findings"] = sum(int(ok) for _id, ok in certificate_rows)
    # the current spell's length (the acting unit's gap)
    spell = fetch(
        f"""
        WITH spans AS (
            SELECT ce.id, MIN(p.start) AS first_day, MAX(p."end") AS last_day
            FROM certificates_certificate ce JOIN certificates_certificateperiod p ON p.certificate_id = ce.id
            WHERE ce.client_id = %(client)s GROUP BY ce.id
        ),
        spells AS (
            SELECT id, SUM(CASE WHEN reach IS NULL OR {d.days("first_day", "reach")} - 1 > %(gap)s THEN 1 ELSE 0 END)
                       OVER (ORDER BY first_day, last_day, id ROWS UNBOUNDED PRECEDING) AS spell_no
            FROM (SELECT s.*, MAX(last_day) OVER (ORDER BY first_day, last_day, id
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
                  FROM spans s) marked
        ),
        islands AS (
            SELECT spell_no, MIN(start) AS start, MAX("end") AS last_day,
                   {d.days('MAX("end")', "MIN(start)")} + 1 AS days
            FROM (
                SELECT spell_no, start, "end",
                       SUM(CASE WHEN reach IS NULL OR start > reach THEN 1 ELSE 0 END)
                           OVER (PARTITION BY spell_no ORDER BY start, "end" ROWS UNBOUNDED PRECEDING) AS island
                FROM (SELECT sp.spell_no, p.start, p."end",
                             MAX(p."end") OVER (PARTITION BY sp.spell_no ORDER BY p.start, p."end", p.id
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
                      FROM spells sp JOIN certificates_certificateperiod p ON p.certificate_id = sp.id) periods
            ) marked GROUP BY spell_no, island
        )
        SELECT SUM(days) FROM islands GROUP BY spell_no
        HAVING MAX(CASE WHEN start <= %(today)s AND last_day >= %(today)s THEN 1 ELSE 0 END) = 1
        """,  # noqa: S608
        {**params, "gap": gap},
    )
    v["current spell days"] = int(spell[0][0]) if spell else None
    # SGI
    sgi = fetch(
        "SELECT status FROM certificates_sgistatus WHERE client_id = %(client)s ORDER BY recorded_on DESC, id DESC",
        params,
    )
    v["sgi"] = sgi[0][0] if sgi else None
    v["sgi history"] = max(len(sgi) - 1, 0)
    # consents: valid today, or not (yet)
    consent_valid = """
        NOT (k.withdrawn_on IS NOT NULL AND k.withdrawn_on <= %(today)s) AND k.given_on <= %(today)s
        AND CASE WHEN k.until_case_closes THEN NOT EXISTS (
                SELECT 1 FROM clients_case cc WHERE cc.id = k.case_id AND cc.closed_on <= %(today)s)
            ELSE k.valid_until IS NOT NULL AND k.valid_until >= %(today)s END"""
    consents = fetch(
        f"""
        SELECT CASE WHEN {consent_valid} THEN 1 ELSE 0 END, COUNT(*)
        FROM consent_consent k WHERE k.client_id = %(client)s GROUP BY 1
        """,  # noqa: S608
        params,
    )
    counts = {int(valid): int(n) for valid, n in consents}
    v["valid consents"], v["other consents"] = counts.get(1, 0), counts.get(0, 0)
    v["questions to healthcare"] = fetch(
        "SELECT COUNT(*) FROM (SELECT id FROM consent_healthcarerequest WHERE client_id = %(client)s "
        "ORDER BY created_at DESC, id DESC LIMIT 20) r",
        params,
    )[0][0]
    # meetings: upcoming, the latest five others, open agreed actions
    meetings = fetch(
        """
        SELECT SUM(CASE WHEN status = 'planned' AND starts_at >= %(now)s THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'planned' AND starts_at >= %(now)s THEN 0 ELSE 1 END),
               (SELECT COUNT(*) FROM meetings_agreedaction aa JOIN meetings_meeting mm ON mm.id = aa.meeting_id
                WHERE mm.client_id = %(client)s AND aa.done_on IS NULL)
        FROM meetings_meeting WHERE client_id = %(client)s
        """,
        {**params, "now": _now(d)},
    )[0]
    v["upcoming meetings"] = int(meetings[0] or 0)
    v["earlier meetings shown"] = min(int(meetings[1] or 0), 5)
    v["open agreed actions"] = int(meetings[2] or 0)
    sip = fetch(
        "SELECT MAX(v.number) FROM meetings_sip s JOIN meetings_sipversion v ON v.sip_id = s.id "
        "WHERE s.client_id = %(client)s AND s.ended_on IS NULL",
        params,
    )
    v["SIP version"] = sip[0][0] if sip else None
    # plans (current version of each open plan) and activities not ended
    for kind, number in fetch(
        "SELECT p.kind, MAX(v.number) FROM plans_plan p JOIN plans_planversion v ON v.plan_id = p.id "
        "WHERE p.client_id = %(client)s AND p.ended_on IS NULL GROUP BY p.kind",
        params,
    ):
        v[f"{kind} plan version"] = int(number)
    v["activities not ended"] = fetch(
        "SELECT COUNT(*) FROM plans_activity WHERE client_id = %(client)s AND ended_on IS NULL", params
    )[0][0]
    outcomes = fetch(
        "SELECT (SELECT COUNT(*) FROM outcomes_ladderassessment WHERE client_id = %(client)s), "
        "(SELECT COUNT(*) FROM outcomes_questionnaireresponse WHERE client_id = %(client)s)",
        params,
    )[0]
    v["ladder assessments"], v["questionnaire responses"] = int(outcomes[0]), int(outcomes[1])
    # the process map: the rules' pending items for the case
    units = [u for (u,) in fetch("SELECT unit_id FROM clients_case WHERE id = %(case)s", {"case": case_id})]
    for _case, rule, due in fetch(
        worklist_sql(d, _rule_config(units), "c.id = %(case)s"), {"case": case_id, "today": d.date(today)}
    ):
        v[f"process {rule}"] = _date(due).isoformat()
    return page


def _now(d: Dialect) -> Any:
    from django.utils import timezone

    now = timezone.now()
    if d.pg:
        return now
    return now.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


def app_client_page(user: Any, client_id: int, today: datetime.date) -> ClientPage:
    """The same figures from the app's selectors (the calls the panels make)."""
    from rattvag.certificates.views import sick_leave_context
    from rattvag.clients.page import ClientPage as AppPage
    from rattvag.clients.selectors import cases_of_client, client_with_access
    from rattvag.consent.selectors import consent_panel, healthcare_requests_of
    from rattvag.followup.process import StepState
    from rattvag.followup.selectors import process_map_for
    from rattvag.meetings.panels import meetings_panel
    from rattvag.meetings.selectors import sip_panel
    from rattvag.outcomes.selectors import client_outcomes_for
    from rattvag.plans.selectors import plans_panel

    client, access = client_with_access(user=user, client_id=client_id)
    page = ClientPage()
    v = page.values
    v["cases"] = len(list(cases_of_client(client=client)))
    context = sick_leave_context(user=user, client=client, access=access)
    v["certificates"] = len(context["certificate_rows"])
    v["certificates without findings"] = sum(1 for row in context["certificate_rows"] if not row["findings"])
    v["current spell days"] = context["days_in_current"]
    v["sgi"] = context["sgi"].status if context["sgi"] is not None else None
    v["sgi history"] = len(context["sgi_history"])
    app_page = AppPage(user=user, client=client, access=access)
    panel = consent_panel(consents=app_page.consents, today=today)
    v["valid consents"], v["other consents"] = len(panel.valid), len(panel.history)
    v["questions to healthcare"] = len(healthcare_requests_of(client=client, access=access, user=user)[:20])
    meetings = meetings_panel(page=app_page)
    v["upcoming meetings"], v["earlier meetings shown"] = len(meetings.upcoming), len(meetings.past)
    v["open agreed actions"] = len(meetings.open_actions)
    version = sip_panel(client=client, access=access)
    v["SIP version"] = version.number if version is not None else None
    plans = plans_panel(plans=app_page.open_plans, activities=app_page.activities)
    for row in (plans.overview.active, plans.overview.contact):
        if row is not None and row.current is not None:
            v[f"{row.plan.kind} plan version"] = row.current.number
    v["activities not ended"] = len(plans.activities)
    outcomes = client_outcomes_for(user=user, client=client, access=access)
    assert outcomes is not None
    v["ladder assessments"], v["questionnaire responses"] = len(outcomes[0]), len(outcomes[1])
    process = process_map_for(user=user, client=client, access=access, today=today)
    if process is not None:
        case, _steps = process
        from rattvag.followup.selectors import worklist_items

        for item in worklist_items(cases=type(case).objects.filter(pk=case.pk), today=today):
            v[f"process {item.rule.code}"] = item.due_on.isoformat()
        assert all(s.state in StepState for s in _steps)
    return page
