"""The movement and time-to-outcome reports in SQL (definitions: rattvag/outcomes/reports/*.py).

Movement: the assessments dated in the period of clients with a case in the group's units open some time in the
period; per client the ladder version of the latest assessment counts, and the first and last assessment on
that version are compared (at least two). One statement returns the transition counts (first step, last step)
and the number of assessed clients; up / down / same / the distribution are sums of the transitions.

Time to outcome (origin: the case opened; any outcome): the cohort is the group's cases opened in the period.
Per case the first active-plan version and the first SIP version recorded for the case (or for the client
without a case, on or after the day it opened) on the local calendar day (Europe/Stockholm); the case ends on
the day it closed or the report day. Kaplan-Meier per endpoint in SQL: deaths and exits per day, those at
risk by a running count, the survival as the running product (exp of a running sum of logs); the median is the
first day the survival is at most 0.5. Outcomes of the cases closed in the period by route.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from .sql import Dialect, fetch, id_list


@dataclass
class MovementFigures:
    assessed_clients: int
    transitions: dict[tuple[int, int], int]

    @property
    def compared(self) -> int:
        return sum(self.transitions.values())

    def direction(self, sign: int) -> int:
        return sum(n for (first, last), n in self.transitions.items() if (last > first) - (last < first) == sign)

    @property
    def distribution(self) -> dict[int, int]:
        spread: dict[int, int] = {}
        for (first, last), n in self.transitions.items():
            spread[last - first] = spread.get(last - first, 0) + n
        return spread

    def key_figures(self) -> dict[str, int]:
        figures = {
            "assessed_clients": self.assessed_clients,
            "compared": self.compared,
            "up": self.direction(1),
            "same": self.direction(0),
            "down": self.direction(-1),
        }
        figures.update({f"moved {steps:+d}": n for steps, n in self.distribution.items()})
        figures.update({f"from {first} to {last}": n for (first, last), n in self.transitions.items()})
        return figures


def movement_sql(unit_ids: list[int]) -> str:
    return f"""
WITH assessed AS MATERIALIZED (
    SELECT la.client_id, la.id, la.assessed_on, st.version_id, st.number
    FROM outcomes_ladderassessment la
    JOIN outcomes_ladderstep st ON st.id = la.step_id
    WHERE la.assessed_on >= %(s)s AND la.assessed_on <= %(e)s
      AND la.client_id IN (
          SELECT client_id FROM clients_case
          WHERE unit_id IN ({id_list(unit_ids)}) AND opened_on <= %(e)s AND (closed_on IS NULL OR closed_on >= %(s)s))
),
latest AS (
    SELECT a.*, FIRST_VALUE(version_id) OVER (PARTITION BY client_id ORDER BY assessed_on DESC, id DESC) AS last_version
    FROM assessed a
),
on_version AS (
    SELECT client_id, number,
           ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY assessed_on, id) AS from_first,
           ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY assessed_on DESC, id DESC) AS from_last,
           COUNT(*) OVER (PARTITION BY client_id) AS n
    FROM latest WHERE version_id = last_version
),
pairs AS (
    SELECT client_id, MAX(CASE WHEN from_first = 1 THEN number END) AS first_step,
           MAX(CASE WHEN from_last = 1 THEN number END) AS last_step
    FROM on_version WHERE n >= 2 GROUP BY client_id
)
SELECT first_step, last_step, COUNT(*) FROM pairs GROUP BY first_step, last_step
UNION ALL
SELECT NULL, NULL, COUNT(DISTINCT client_id) FROM assessed
"""  # noqa: S608


def movement_figures(
    *, unit_ids: list[int], start: datetime.date, end: datetime.date, dialect: Dialect | None = None
) -> MovementFigures:
    d = dialect or Dialect()
    rows = fetch(movement_sql(unit_ids), {"s": d.date(start), "e": d.date(end)})
    transitions = {(int(f), int(t)): int(n) for f, t, n in rows if f is not None}
    assessed = next(int(n) for f, _t, n in rows if f is None)
    return MovementFigures(assessed, transitions)


# --- time to outcome -------------------------------------------------------------------------------------------


@dataclass
class Series:
    n: int = 0
    events: int = 0
    censored: int = 0
    median: float | None = None


@dataclass
class TimeToOutcomeFigures:
    endpoints: dict[str, Series] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)

    def key_figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = {f"closed {k}": v for k, v in self.outcomes.items() if v}
        for code, series in self.endpoints.items():
            figures[f"{code} n"] = series.n
            figures[f"{code} events"] = series.events
            figures[f"{code} censored"] = series.censored
            figures[f"{code} median days"] = series.median
        return figures


def time_to_outcome_sql(d: Dialect, unit_ids: list[int]) -> str:
    units = id_list(unit_ids)
    plan_day = d.local_date("pv.created_at")
    sip_day = d.local_date("sv.created_at")
    return f"""
WITH cohort AS MATERIALIZED (
    SELECT c.id, c.client_id, c.opened_on,
           CASE WHEN c.status = 'closed' AND c.closed_on IS NOT NULL THEN 1 ELSE 0 END AS closed,
           CASE WHEN c.status = 'closed' AND c.closed_on IS NOT NULL THEN c.closed_on ELSE %(as_of)s END AS last_day
    FROM clients_case c
    WHERE c.unit_id IN ({units}) AND c.opened_on >= %(s)s AND c.opened_on <= %(e)s
),
plan_days AS MATERIALIZED (
    SELECT DISTINCT p.client_id, p.case_id, {plan_day} AS day
    FROM plans_plan p JOIN plans_planversion pv ON pv.plan_id = p.id
    WHERE p.kind = 'active' AND p.client_id IN (SELECT client_id FROM cohort)
),
sip_days AS MATERIALIZED (
    SELECT DISTINCT s.client_id, s.case_id, {sip_day} AS day
    FROM meetings_sip s JOIN meetings_sipversion sv ON sv.sip_id = s.id
    WHERE s.client_id IN (SELECT client_id FROM cohort)
),
subjects AS MATERIALIZED (
    SELECT co.id, co.opened_on, co.closed, co.last_day, MIN(pd.day) AS plan_on, MIN(sd.day) AS sip_on
    FROM cohort co
    LEFT JOIN plan_days pd ON pd.client_id = co.client_id
         AND (pd.case_id = co.id OR (pd.case_id IS NULL AND pd.day >= co.opened_on))
    LEFT JOIN sip_days sd ON sd.client_id = co.client_id
         AND (sd.case_id = co.id OR (sd.case_id IS NULL AND sd.day >= co.opened_on))
    GROUP BY co.id, co.opened_on, co.closed, co.last_day
),
observations AS (
    SELECT 'outcome' AS endpoint, {d.days("last_day", "opened_on")} AS days, closed AS event FROM subjects
    UNION ALL
    SELECT 'plan',
           CASE WHEN plan_on IS NOT NULL AND plan_on <= last_day
                THEN CASE WHEN plan_on > opened_on THEN {d.days("plan_on", "opened_on")} ELSE 0 END
                ELSE {d.days("last_day", "opened_on")} END,
           CASE WHEN plan_on IS NOT NULL AND plan_on <= last_day THEN 1 ELSE 0 END
    FROM subjects
    UNION ALL
    SELECT 'sip',
           CASE WHEN sip_on IS NOT NULL AND sip_on <= last_day
                THEN CASE WHEN sip_on > opened_on THEN {d.days("sip_on", "opened_on")} ELSE 0 END
                ELSE {d.days("last_day", "opened_on")} END,
           CASE WHEN sip_on IS NOT NULL AND sip_on <= last_day THEN 1 ELSE 0 END
    FROM subjects
),
per_day AS (
    SELECT endpoint, days, SUM(event) AS events, COUNT(*) AS leaving
    FROM observations GROUP BY endpoint, days
),
at_risk AS (
    SELECT endpoint, days, events, leaving,
           SUM(leaving) OVER (PARTITION BY endpoint ORDER BY days DESC ROWS UNBOUNDED PRECEDING) AS at_risk
    FROM per_day
),
survival AS (
    SELECT endpoint, days, events, leaving,
           MAX(CASE WHEN events = at_risk THEN 1 ELSE 0 END)
               OVER (PARTITION BY endpoint ORDER BY days ROWS UNBOUNDED PRECEDING) AS reached_zero,
           SUM(CASE WHEN events > 0 AND events < at_risk THEN ln(1.0 - 1.0 * events / at_risk) ELSE 0 END)
               OVER (PARTITION BY endpoint ORDER BY days ROWS UNBOUNDED PRECEDING) AS log_survival
    FROM at_risk
)
SELECT endpoint, SUM(leaving), SUM(events),
       MIN(CASE WHEN events > 0 AND (reached_zero = 1 OR log_survival <= ln(0.5) + 1e-12) THEN days END)
FROM survival GROUP BY endpoint
UNION ALL
SELECT 'closed:' || outcome, COUNT(*), NULL, NULL
FROM clients_case
WHERE unit_id IN ({units}) AND status = 'closed' AND closed_on >= %(s)s AND closed_on <= %(e)s
GROUP BY outcome
"""  # noqa: S608


def time_to_outcome_figures(
    *,
    unit_ids: list[int],
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    dialect: Dialect | None = None,
) -> TimeToOutcomeFigures:
    d = dialect or Dialect()
    rows = fetch(time_to_outcome_sql(d, unit_ids), {"s": d.date(start), "e": d.date(end), "as_of": d.date(as_of)})
    figures = TimeToOutcomeFigures()
    for key, n, events, median in rows:
        if str(key).startswith("closed:"):
            figures.outcomes[str(key)[7:]] = int(n)
        else:
            figures.endpoints[str(key)] = Series(
                int(n), int(events), int(n) - int(events), float(median) if median is not None else None
            )
    return figures
