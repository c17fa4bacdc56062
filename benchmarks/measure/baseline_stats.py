"""The unit mapping and the aggregates in one SQL statement: every table's counts as (table, group, column, n).

The definitions are those of docs/statistics.md and rattvag/stats/figures.py:

* clients in the method on D: a case in the unit(s) open on D; in the aggregates a client with open cases in
  several units of one municipality counts in the unit of the newest case (opened_on, id);
* the current certificate: of the certificates with a period covering D, the one issued last (then the higher
  id); its degree (the highest of its periods covering D), first coded diagnosis and care unit;
* SGI: the newest status recorded on or before D (id breaks ties);
* the current certificate, its main diagnosis and the SGI status are looked up per client through the indexes
  (``ORDER BY … LIMIT 1``), the fastest way to the newest row of a group on both databases (a window over all
  certificates made PostgreSQL misjudge the join and loop);
* spells: certificates (their first to last day) merge when at most the unit's max_gap days lie between them
  (gaps and islands over a running maximum of the last day); a spell's length is the number of days its
  periods cover (the union of the periods, islands again); the current spell covers D;
* new spells per month: spells starting in the period, of clients with a case open some time in the period;
* completeness: certificates issued in the period of the clients in the method, without a finding of the
  certificates app's quality check (written here as SQL conditions).

Age and sex come from the personal identity number (birth date, day - 60 for coordination numbers; the
serial number's last digit odd = man).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from .sql import Dialect, fetch, id_list

MIN_DFA_TEXT = 30
MAX_DAYS_BACKDATED = 7
DEFAULT_MAX_GAP = 5
TOP = 10


def _case_sql(expression: str, buckets: tuple[tuple[str, int | None, int | None], ...]) -> str:
    whens = []
    for key, low, high in buckets:
        parts = []
        if low is not None:
            parts.append(f"{expression} >= {low}")
        if high is not None:
            parts.append(f"{expression} <= {high}")
        whens.append(f"WHEN {' AND '.join(parts)} THEN '{key}'")
    return f"CASE {' '.join(whens)} END"


def _members(d: Dialect, units: str, *, group_by: str, dedup: bool, open_condition: str) -> str:
    group = "u.code" if group_by == "unit" else "m.code"
    if not dedup:
        return f"""
        SELECT DISTINCT c.client_id, c.unit_id, {group} AS grp
        FROM clients_case c
        JOIN accounts_unit u ON u.id = c.unit_id
        JOIN accounts_municipality m ON m.id = u.municipality_id
        WHERE c.unit_id IN ({units}) AND {open_condition}"""  # noqa: S608
    return f"""
        SELECT client_id, unit_id, grp FROM (
            SELECT c.client_id, c.unit_id, {group} AS grp,
                   ROW_NUMBER() OVER (PARTITION BY c.client_id, u.municipality_id
                                      ORDER BY c.opened_on DESC, c.id DESC) AS rn
            FROM clients_case c
            JOIN accounts_unit u ON u.id = c.unit_id
            JOIN accounts_municipality m ON m.id = u.municipality_id
            WHERE c.unit_id IN ({units}) AND {open_condition}
        ) newest WHERE rn = 1"""  # noqa: S608


def figures_sql(d: Dialect, unit_ids: list[int], *, group_by: str, dedup: bool, care_unit_rows: bool) -> str:
    # The buckets are definitions, not computation: the app's own (Inera's Intygsstatistik).
    from rattvag.stats.figures import AGE_BANDS, SPELL_BUCKETS

    units = id_list(unit_ids)
    open_on_d = "c.opened_on <= %(d)s AND (c.closed_on IS NULL OR c.closed_on > %(d)s)"
    open_in_period = "c.opened_on <= %(d)s AND (c.closed_on IS NULL OR c.closed_on > %(s)s)"
    pn = "cl.personal_number"
    birth_year = f"CAST(substr({pn}, 1, 4) AS INTEGER)"
    birth_monthday = f"(CAST(substr({pn}, 5, 2) AS INTEGER) * 100 + CAST(substr({pn}, 7, 2) AS INTEGER) %% 60)"
    age = f"(%(d_year)s - {birth_year} - CASE WHEN %(d_monthday)s < {birth_monthday} THEN 1 ELSE 0 END)"
    prev = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    completeness_rows = (
        """
    SELECT 'care_unit_completeness', CASE WHEN t.care_unit_id IS NULL THEN 'other'
               ELSE CAST(t.care_unit_id AS varchar(20)) END,
           CASE WHEN q.complete = 1 THEN 'complete' ELSE 'with_findings' END, COUNT(*)
    FROM quality q
    LEFT JOIN top_care_units t ON t.care_unit_id = q.care_unit_id
    WHERE q.client_id IN (SELECT client_id FROM status_members)
    GROUP BY 2, 3"""
        if care_unit_rows
        else """
    SELECT 'completeness', sm.grp, CASE WHEN q.complete = 1 THEN 'complete' ELSE 'with_findings' END, COUNT(*)
    FROM quality q
    JOIN (SELECT DISTINCT client_id, grp FROM status_members) sm ON sm.client_id = q.client_id
    GROUP BY sm.grp, 3"""
    )
    return f"""
WITH status_members AS MATERIALIZED ({_members(d, units, group_by=group_by, dedup=dedup, open_condition=open_on_d)}),
period_members AS MATERIALIZED ({_members(d, units, group_by=group_by, dedup=dedup, open_condition=open_in_period)}),
current AS MATERIALIZED (
    SELECT sm.client_id, sm.grp,
           (SELECT c.id FROM certificates_certificate c
            JOIN certificates_certificateperiod p ON p.certificate_id = c.id
            WHERE c.client_id = sm.client_id AND p.start <= %(d)s AND p."end" >= %(d)s
            ORDER BY c.issued_on DESC, c.id DESC LIMIT 1) AS certificate_id
    FROM status_members sm
),
per_client AS MATERIALIZED (
    SELECT cur.client_id, cur.grp, ce.care_unit_id, cu.name AS care_unit_name,
           (SELECT MAX(p.degree) FROM certificates_certificateperiod p
            WHERE p.certificate_id = cur.certificate_id AND p.start <= %(d)s AND p."end" >= %(d)s) AS degree,
           (SELECT dx.code FROM certificates_diagnosis dx WHERE dx.certificate_id = cur.certificate_id
              AND dx.code <> '' ORDER BY dx.position LIMIT 1) AS code,
           COALESCE(NULLIF((SELECT dx.chapter FROM certificates_diagnosis dx
                            WHERE dx.certificate_id = cur.certificate_id AND dx.code <> ''
                            ORDER BY dx.position LIMIT 1), ''), 'none') AS chapter,
           COALESCE((SELECT s.status FROM certificates_sgistatus s WHERE s.client_id = cur.client_id
              AND s.recorded_on <= %(d)s ORDER BY s.recorded_on DESC, s.id DESC LIMIT 1), 'unknown') AS sgi,
           {_case_sql(age, AGE_BANDS)} AS age_band,
           CASE WHEN CAST(substr({pn}, 11, 1) AS INTEGER) %% 2 = 1 THEN 'male' ELSE 'female' END AS sex
    FROM current cur
    JOIN clients_client cl ON cl.id = cur.client_id
    LEFT JOIN certificates_certificate ce ON ce.id = cur.certificate_id
    LEFT JOIN certificates_careunit cu ON cu.id = ce.care_unit_id
),
top_codes AS (
    SELECT code FROM (
        SELECT code, ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, code) AS position_no
        FROM (SELECT DISTINCT client_id, grp, code FROM per_client WHERE degree IS NOT NULL AND code IS NOT NULL) x
        GROUP BY code
    ) ranked WHERE position_no <= {TOP}
),
top_care_units AS (
    SELECT care_unit_id FROM (
        SELECT care_unit_id,
               ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, MIN(care_unit_name), care_unit_id) AS position_no
        FROM (SELECT DISTINCT client_id, grp, care_unit_id, care_unit_name FROM per_client WHERE degree IS NOT NULL) x
        GROUP BY care_unit_id
    ) ranked WHERE position_no <= {TOP}
),
-- sick-leave spells, per client and maximum gap (the gap is the unit's)
gaps AS (
    SELECT DISTINCT mm.client_id, COALESCE(ucs.max_gap, {DEFAULT_MAX_GAP}) AS gap
    FROM (SELECT client_id, unit_id FROM status_members UNION SELECT client_id, unit_id FROM period_members) mm
    LEFT JOIN certificates_unitcertificatesettings ucs ON ucs.unit_id = mm.unit_id
),
spans AS (
    SELECT g.client_id, g.gap, c.id AS certificate_id, MIN(p.start) AS first_day, MAX(p."end") AS last_day
    FROM gaps g
    JOIN certificates_certificate c ON c.client_id = g.client_id
    JOIN certificates_certificateperiod p ON p.certificate_id = c.id
    GROUP BY g.client_id, g.gap, c.id
),
span_marks AS (
    SELECT s.*, MAX(last_day) OVER (PARTITION BY client_id, gap ORDER BY first_day, last_day, certificate_id {prev})
                AS reach
    FROM spans s
),
span_spells AS (
    SELECT client_id, gap, certificate_id,
           SUM(CASE WHEN reach IS NULL OR {d.days("first_day", "reach")} - 1 > gap THEN 1 ELSE 0 END)
               OVER (PARTITION BY client_id, gap ORDER BY first_day, last_day, certificate_id ROWS UNBOUNDED PRECEDING)
               AS spell_no
    FROM span_marks
),
spell_periods AS (
    SELECT ss.client_id, ss.gap, ss.spell_no, p.start, p."end",
           MAX(p."end") OVER (PARTITION BY ss.client_id, ss.gap, ss.spell_no ORDER BY p.start, p."end", p.id {prev})
               AS reach
    FROM span_spells ss
    JOIN certificates_certificateperiod p ON p.certificate_id = ss.certificate_id
),
islands AS (
    SELECT client_id, gap, spell_no, start, "end",
           SUM(CASE WHEN reach IS NULL OR start > reach THEN 1 ELSE 0 END)
               OVER (PARTITION BY client_id, gap, spell_no ORDER BY start, "end" ROWS UNBOUNDED PRECEDING) AS island
    FROM spell_periods
),
island_days AS (
    SELECT client_id, gap, spell_no, MIN(start) AS start, MAX("end") AS last_day,
           {d.days('MAX("end")', "MIN(start)")} + 1 AS days
    FROM islands GROUP BY client_id, gap, spell_no, island
),
spells AS MATERIALIZED (
    SELECT client_id, gap, spell_no, MIN(start) AS start, SUM(days) AS days,
           MAX(CASE WHEN start <= %(d)s AND last_day >= %(d)s THEN 1 ELSE 0 END) AS is_current
    FROM island_days GROUP BY client_id, gap, spell_no
),
-- certificate completeness: the quality check's findings as conditions
period_certificates AS (
    SELECT c.id, c.client_id, c.care_unit_id, c.issued_on, c.basis, c.prognosis,
           c.functional_impairment, c.activity_limitation
    FROM certificates_certificate c
    WHERE c.issued_on >= %(s)s AND c.issued_on <= %(d)s
      AND c.client_id IN (SELECT client_id FROM status_members)
),
certificate_periods AS (
    SELECT p.certificate_id, MIN(p.start) AS first_day, MAX(p."end") AS last_day,
           MAX(CASE WHEN p.reach IS NOT NULL AND p.start > {d.plus_days("p.reach", "1")} THEN 1 ELSE 0 END) AS gap
    FROM (
        SELECT p.certificate_id, p.start, p."end",
               MAX(p."end") OVER (PARTITION BY p.certificate_id ORDER BY p.start, p."end" {prev}) AS reach
        FROM certificates_certificateperiod p
        WHERE p.certificate_id IN (SELECT id FROM period_certificates)
    ) p
    GROUP BY p.certificate_id
),
quality AS MATERIALIZED (
    SELECT pc.id, pc.client_id, pc.care_unit_id,
           CASE WHEN EXISTS (SELECT 1 FROM certificates_diagnosis dx WHERE dx.certificate_id = pc.id AND dx.code <> '')
                 AND {d.json_length("pc.basis")} > 0
                 AND length(trim(pc.functional_impairment)) >= {MIN_DFA_TEXT}
                 AND length(trim(pc.activity_limitation)) >= {MIN_DFA_TEXT}
                 AND cp.certificate_id IS NOT NULL
                 AND cp.first_day >= {d.plus_days("pc.issued_on", str(-MAX_DAYS_BACKDATED))}
                 AND cp.last_day >= pc.issued_on
                 AND cp.gap = 0
                 AND pc.prognosis <> ''
                THEN 1 ELSE 0 END AS complete
    FROM period_certificates pc
    LEFT JOIN certificate_periods cp ON cp.certificate_id = pc.id
)
SELECT 'headline', grp, CASE WHEN degree IS NULL THEN 'not_sick_listed' ELSE 'sick_listed' END,
       COUNT(DISTINCT client_id)
FROM per_client GROUP BY grp, 3
UNION ALL
SELECT 'degree', grp, {d.text("degree")}, COUNT(DISTINCT client_id)
FROM per_client WHERE degree IS NOT NULL GROUP BY grp, degree
UNION ALL
SELECT 'sgi', grp, sgi, COUNT(DISTINCT client_id) FROM per_client GROUP BY grp, sgi
UNION ALL
SELECT 'chapters', grp, chapter, COUNT(DISTINCT client_id)
FROM per_client WHERE degree IS NOT NULL GROUP BY grp, chapter
UNION ALL
SELECT 'codes', grp, CASE WHEN code IS NULL THEN 'none' WHEN code IN (SELECT code FROM top_codes) THEN code
                          ELSE 'other' END, COUNT(DISTINCT client_id)
FROM per_client WHERE degree IS NOT NULL GROUP BY grp, 3
UNION ALL
SELECT 'care_units', grp, CASE WHEN care_unit_id IN (SELECT care_unit_id FROM top_care_units)
                               THEN CAST(care_unit_id AS varchar(20)) ELSE 'other' END, COUNT(DISTINCT client_id)
FROM per_client WHERE degree IS NOT NULL GROUP BY grp, 3
UNION ALL
SELECT 'age', grp, age_band, COUNT(DISTINCT client_id) FROM per_client GROUP BY grp, age_band
UNION ALL
SELECT 'sex', grp, sex, COUNT(DISTINCT client_id) FROM per_client GROUP BY grp, sex
UNION ALL
SELECT 'spell_length', sm.grp, {_case_sql("sp.days", SPELL_BUCKETS)}, COUNT(DISTINCT sm.client_id)
FROM status_members sm
LEFT JOIN certificates_unitcertificatesettings ucs ON ucs.unit_id = sm.unit_id
JOIN spells sp ON sp.client_id = sm.client_id AND sp.gap = COALESCE(ucs.max_gap, {DEFAULT_MAX_GAP})
               AND sp.is_current = 1
GROUP BY sm.grp, 3
UNION ALL
SELECT 'new_spells', pm.grp, {d.month("sp.start")}, COUNT(DISTINCT pm.client_id)
FROM period_members pm
LEFT JOIN certificates_unitcertificatesettings ucs ON ucs.unit_id = pm.unit_id
JOIN spells sp ON sp.client_id = pm.client_id AND sp.gap = COALESCE(ucs.max_gap, {DEFAULT_MAX_GAP})
WHERE sp.start >= %(s)s AND sp.start <= %(d)s
GROUP BY pm.grp, 3
UNION ALL
{completeness_rows}
"""  # noqa: S608


def figures_params(d: Dialect, start: datetime.date, reference: datetime.date) -> dict[str, Any]:
    return {
        "s": d.date(start),
        "d": d.date(reference),
        "d_year": reference.year,
        "d_monthday": reference.month * 100 + reference.day,
    }


def stats_figures(
    *,
    unit_ids: list[int],
    start: datetime.date,
    reference: datetime.date,
    group_by: str,
    dedup: bool,
    care_unit_rows: bool = False,
    dialect: Dialect | None = None,
) -> dict[str, int]:
    """{"table|group|column": n} for every non-zero count (one statement)."""
    d = dialect or Dialect()
    sql = figures_sql(d, unit_ids, group_by=group_by, dedup=dedup, care_unit_rows=care_unit_rows)
    found: dict[str, int] = defaultdict(int)
    for table, group, column, n in fetch(sql, figures_params(d, start, reference)):
        found[f"{table}|{group}|{column}"] += int(n)
    return dict(found)


def figures_from_tables(tables: list[dict[str, Any]]) -> tuple[dict[str, int], set[str]]:
    """The app's tables (the API's JSON) in the same shape: ({"table|row|column": n}, the hidden cells' keys).

    Zero cells are left out (the SQL yields only what it found); hidden cells are not compared.
    """
    shown: dict[str, int] = {}
    hidden: set[str] = set()
    for table in tables:
        columns = [c["key"] for c in table["columns"]]
        for row in table["rows"]:
            for column, cell in zip(columns, row["cells"], strict=True):
                key = f"{table['key']}|{row['key']}|{column}"
                if cell["suppressed"]:
                    hidden.add(key)
                elif cell["value"]:
                    shown[key] = cell["value"]
    return shown, hidden
