"""Summarise a load-test run: requests/s, p50/p95/p99 per route and in total, errors, server memory.

    python3 benchmarks/load/report.py --samples samples.json --rss rss.json --output load-test.md [--meta k=v ...]

Percentiles are exact (nearest rank) over every request of the run, computed from the samples the
locustfile records, not locust's rounded histogram. Writes the table to stdout and a markdown snippet.
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter, defaultdict
from pathlib import Path

GOAL_P95_MS = 200
# Requests that are not page views: static files (fetched once per user, cached a year) and the login steps.
NOT_PAGES = ("/static/", "/account/")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _row(name: str, times: list[float], errors: int, seconds: float) -> list[str]:
    return [
        name,
        str(len(times)),
        f"{len(times) / seconds:.1f}",
        f"{percentile(times, 0.50):.0f}",
        f"{percentile(times, 0.95):.0f}",
        f"{percentile(times, 0.99):.0f}",
        f"{max(times):.0f}",
        str(errors),
    ]


def _table(rows: list[list[str]]) -> list[str]:
    header = ["route", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def build(data: dict | list, rss: dict, meta: dict[str, str]) -> tuple[str, dict]:
    """The figures: page views over the steady state (after every user has logged in), logins over the run."""
    samples = data["samples"] if isinstance(data, dict) else data
    spawned_at = data.get("spawned_at") if isinstance(data, dict) else None
    messages: Counter[str] = Counter(f"{s[0]}: {s[2]}" for s in samples if s[2])
    unfinished = data.get("unfinished", 0) if isinstance(data, dict) else 0
    total_errors = sum(messages.values())
    logins = [s for s in samples if s[0].startswith("/account/")]
    steady = [s for s in samples if not s[0].startswith("/account/") and (spawned_at is None or s[3] >= spawned_at)]
    starts = [s[3] for s in steady]
    seconds = max(1e-9, max(starts) - min(starts)) if steady else 1.0

    def rows_of(group: list[list], span: float) -> list[list[str]]:
        by_name: dict[str, list[float]] = defaultdict(list)
        errors: Counter[str] = Counter()
        for name, response_time, error, _start in group:
            by_name[name].append(response_time)
            errors[name] += bool(error)
        return [_row(name, times, errors[name], span) for name, times in sorted(by_name.items())]

    page_samples = [s for s in steady if not s[0].startswith(NOT_PAGES)]
    page_times = [s[1] for s in page_samples]
    all_times = [s[1] for s in steady]
    rows = rows_of(steady, seconds)
    if page_times:
        rows.append(_row("**pages (no static)**", page_times, sum(1 for s in page_samples if s[2]), seconds))
    if all_times:
        rows.append(_row("**all requests**", all_times, sum(1 for s in steady if s[2]), seconds))
    run_span = max(1e-9, max(s[3] for s in samples) - min(s[3] for s in samples)) if samples else 1.0
    login_rows = rows_of(logins, run_span)

    p95_pages = percentile(page_times, 0.95) if page_times else float("nan")
    # For the goal, a request still waiting when the run stopped counts as slower than every other one: it
    # may have been sent a moment before the stop, but it cannot be shown to have been fast.
    p95_with_unfinished = percentile(page_times + [math.inf] * unfinished, 0.95) if page_times else float("nan")
    summary = {
        "requests": len(all_times),
        "seconds": round(seconds, 1),
        "requests_per_s": round(len(all_times) / seconds, 1),
        "page_views_per_s": round(len(page_times) / seconds, 1),
        "pages_p50_ms": round(percentile(page_times, 0.50)) if page_times else None,
        "pages_p95_ms": round(p95_pages) if page_times else None,
        "pages_p99_ms": round(percentile(page_times, 0.99)) if page_times else None,
        "all_p95_ms": round(percentile(all_times, 0.95)) if all_times else None,
        "errors": total_errors,
        "requests_whole_run": len(samples),
        "unfinished": unfinished,
        "pages_p95_with_unfinished_ms": round(p95_with_unfinished) if math.isfinite(p95_with_unfinished) else None,
        **rss,
    }
    meta_line = ", ".join(f"{key} {value}" for key, value in meta.items())
    met = page_times and p95_with_unfinished <= GOAL_P95_MS and total_errors == 0
    verdict = "met" if met else "NOT met"
    text = [
        "### Load test (locust)",
        "",
        f"Setup: {meta_line}." if meta_line else "",
        "",
        f"Steady state (every user logged in): {summary['requests']} requests in {summary['seconds']} s, "
        f"**{summary['requests_per_s']} requests/s** ({summary['page_views_per_s']} page and chart views/s); "
        f"pages p50 {summary['pages_p50_ms']} ms, **p95 {summary['pages_p95_ms']} ms**, "
        f"p99 {summary['pages_p99_ms']} ms. **{total_errors} errors** in the whole run "
        f"({summary['requests_whole_run']} requests, ramp-up and logins included); "
        f"{unfinished} requests still waiting for the server when the run stopped (not in the times; counted as "
        f"slower than any other, the pages' p95 is {summary['pages_p95_with_unfinished_ms'] or '∞'} ms). "
        f"Goal (p95 ≤ {GOAL_P95_MS} ms, 0 errors): {verdict}.",
        "",
        f"Server memory (RSS sampled every {rss.get('interval_s', '?')} s from /proc): peak per gunicorn worker "
        f"**{rss.get('peak_worker_rss_mib', '?')} MiB**, master {rss.get('peak_master_rss_mib', '?')} MiB, "
        f"all processes together {rss.get('peak_total_rss_mib', '?')} MiB ({rss.get('workers_seen', '?')} workers).",
        "",
        *_table(rows),
        "",
        "Logging in (password, then the one-time code; during the ramp-up, while the other users log in too):",
        "",
        *_table(login_rows),
        "",
        "Measured by the load generator on the same machine as the server and the database (loopback); "
        "percentiles are exact (nearest rank) over every request. Static files: once per user (cold cache, "
        "then cached for a year under hashed names); charts: with each page that shows them, as a browser does.",
    ]
    if messages:
        text += ["", "Errors:", ""] + [f"- {count} × {message}" for message, count in messages.most_common(20)]
    return "\n".join(text) + "\n", summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", required=True)
    parser.add_argument("--rss", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--meta", action="append", default=[], help="key=value shown in the setup line")
    args = parser.parse_args()
    samples = json.loads(Path(args.samples).read_text(encoding="utf-8"))
    rss_path = Path(args.rss)
    rss = json.loads(rss_path.read_text(encoding="utf-8")) if rss_path.exists() else {}
    meta = dict(item.split("=", 1) for item in args.meta)
    text, summary = build(samples, rss, meta)
    Path(args.output).write_text(text, encoding="utf-8")
    Path(args.output).with_suffix(".json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(text)
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
