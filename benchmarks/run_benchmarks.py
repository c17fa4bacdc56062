"""Server time of the main pages and API endpoints against hand-written SQL computing the same figures.

    .venv/bin/python benchmarks/run_benchmarks.py --size unit                 # a new SQLite file in a temp dir
    bash scripts/with_postgres.sh .venv/bin/python benchmarks/run_benchmarks.py --size region
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/run_benchmarks.py --size national --skip-generate

Migrates the database, builds the synthetic dataset of the preset (``manage.py generate_data --size …``, timed;
``--size sample`` builds the small test sample instead) unless ``--skip-generate``, then measures seven endpoints
in this process through the whole Django stack (``django.test.Client``, the real middleware, a session past
two-factor login, DEBUG off, the real database): one warm-up and ``--repeat`` runs each, the median and spread of
the time per request, the SQL queries per request, the response size. Each endpoint's figures are then computed
by hand-written SQL straight against the database (benchmarks/measure/baseline_*.py), timed the same way; the
ratio app / SQL is the figure to watch (goal <= 1.3), and the SQL's figures are compared with the app's ("same
figures: yes/no"). Prints a markdown table with the machine facts (``--markdown FILE`` writes it).

The database of DATABASE_URL gets the dataset added (and audit events from the measured requests): point it only
at a throwaway database.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.measure.setup import generate, migrate, setup_django

if TYPE_CHECKING:
    from benchmarks.measure.endpoints import Subjects

SIZES = ("sample", "unit", "region", "national")


@dataclass
class Row:
    key: str
    title: str
    who: str
    status: int
    queries: str
    queries_constant: bool
    app: object  # Measurement
    sql: object  # Measurement
    agreement: str
    same: bool
    size: int
    size_gzip: int
    rss_mb: float
    kept: object | None = None  # Measurement with the figures kept, as production serves them after the first

    @property
    def kept_ratio(self) -> float | None:
        if self.kept is None:
            return None
        return self.kept.spread.median / self.sql.spread.median  # type: ignore[attr-defined]

    @property
    def ratio(self) -> float:
        return self.app.spread.median / self.sql.spread.median  # type: ignore[attr-defined]


def _subjects(size: str, seed: int) -> Subjects:
    if size == "sample":
        from benchmarks.measure.sample import sample_subjects

        return sample_subjects(seed)
    from rattvag.synthetic.selectors import benchmark_subjects

    return benchmark_subjects()


def _jit_off(sender: object, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


def _measure_kept(http: Any, path: str, repeat: int) -> Any:
    """The endpoint as production serves it while its figures are kept (RATTVAG_FIGURE_CACHE_SECONDS): the
    warm-up computes them, the measured runs find them."""
    from django.core.cache import caches
    from django.test import override_settings

    from benchmarks.measure.timing import measure
    from rattvag.core import kept_figures

    with override_settings(RATTVAG_FIGURE_CACHE_SECONDS=300):
        caches[kept_figures.CACHE_ALIAS].clear()
        try:
            return measure(partial(http.get, path), repeat=repeat)
        finally:
            caches[kept_figures.CACHE_ALIAS].clear()


def _kb(size: int) -> str:
    return f"{size / 1024:,.1f} kB"


def _command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python", "benchmarks/run_benchmarks.py", "--size", args.size, "--seed", str(args.seed)]
    parts += ["--repeat", str(args.repeat)]
    if args.only:
        parts += ["--only", ",".join(args.only)]
    if args.pg_jit != "server":
        parts += ["--pg-jit", args.pg_jit]
    command = " ".join(shlex.quote(p) for p in parts)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return f"bash scripts/with_postgres.sh {command}"
    return command


def _measure_floors(subjects: Subjects, args: argparse.Namespace) -> list[tuple[Any, Any]]:
    """The floor requests (endpoints.floors) measured as the endpoints are; none with `--only` unless named."""
    from benchmarks.measure.endpoints import floors, log_in
    from benchmarks.measure.timing import measure

    measured = []
    for floor in floors(subjects):
        if args.only and floor.key not in args.only:
            continue
        run = measure(partial(log_in(floor.user).get, floor.path), repeat=args.repeat)
        if run.result.status_code != floor.status:
            sys.exit(f"{floor.title}: status {run.result.status_code}, expected {floor.status}")
        print(
            f"\n{floor.title} as {floor.user.role}: GET {floor.path}: {run.spread.short()}, {run.queries_text} queries"
        )
        measured.append((floor, run))
    return measured


def markdown(
    rows: list[Row],
    facts: dict[str, str],
    args: argparse.Namespace,
    timings: dict[str, str],
    floor_rows: Sequence[tuple[Any, Any]] = (),
) -> str:
    from benchmarks.measure.timing import fmt_ms

    lines = [
        f"### {facts['database']}, size `{args.size}` (seed {args.seed}), median of {args.repeat} runs",
        "",
        "| endpoint | queries | app median (min–max, IQR) | SQL median (min–max, IQR) | ratio app/SQL "
        "| same figures | response size (gzip) | figures kept: app median (queries), ratio |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        app, sql = row.app, row.sql
        kept = (
            f"{row.kept.spread.short()} ({row.kept.queries_text}), {row.kept_ratio:.2f}×"  # type: ignore[attr-defined]
            if row.kept is not None
            else "–"
        )
        lines.append(
            f"| {row.title} ({row.who}) | {row.queries}{'' if row.queries_constant else ' ⚠'} "
            f"| {app.spread.short()} | {sql.spread.short()} | {row.ratio:.1f}× "  # type: ignore[attr-defined]
            f"| {'yes' if row.same else 'NO'} | {_kb(row.size)} ({_kb(row.size_gzip)}) | {kept} |"
        )
    lines += [
        "",
        "Where the app's time goes (median of the runs; the SQL part is the time spent in the database calls):",
    ]
    lines += [
        "",
        "| endpoint | app total | in SQL | in Python (views, templates, serialisation) | what 1.3× leaves beside the "
        "SQL's time | peak RSS after |",
    ]
    lines += ["|---|---:|---:|---:|---:|---:|"]
    import statistics

    for row in rows:
        app = row.app
        sql_ms = statistics.median(app.sql_ms)  # type: ignore[attr-defined]
        total = app.spread.median  # type: ignore[attr-defined]
        lines.append(
            f"| {row.title} | {fmt_ms(total)} | {fmt_ms(sql_ms)} | {fmt_ms(max(total - sql_ms, 0))} "
            f"| {fmt_ms(0.3 * row.sql.spread.median)} | {row.rss_mb:,.0f} MB |"  # type: ignore[attr-defined]
        )
    if floor_rows:
        lines += ["", "The request around the work (no client data read), the same stack and session:", ""]
        lines += ["| request | median (min–max, IQR) | queries |", "|---|---:|---:|"]
        lines += [
            f"| {floor.title} ({floor.user.role}, GET {floor.path}, {floor.status}) | {run.spread.short()} "
            f"| {run.queries_text} |"
            for floor, run in floor_rows
        ]
    lines += ["", "Agreement of the SQL baselines with the app:", ""]
    lines += [f"- {row.title}: same figures: {row.agreement}" for row in rows]
    lines += ["", "Machine and run:", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += [f"- {k}: {v}" for k, v in timings.items()]
    lines += ["", f"Reproduce: `{_command(args)}`", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-generate", action="store_true", help="measure the data already in the database")
    parser.add_argument("--markdown", type=Path, help="write the table to this file")
    parser.add_argument("--only", type=lambda s: s.split(","), help="comma-separated endpoint keys")
    parser.add_argument("--tracemalloc", action="store_true", help="peak Python allocation per request (slow)")
    parser.add_argument("--slowest", type=int, default=3, help="the slowest queries shown per endpoint")
    parser.add_argument(
        "--pg-jit",
        choices=("server", "off"),
        default="server",
        help="PostgreSQL's JIT compilation: as the server and settings have it (default), or off for every "
        "connection of the run (app and baselines alike)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rattvag-bench-") as tmp:
        setup_django(Path(tmp))
        from benchmarks.measure import machine
        from benchmarks.measure.endpoints import endpoints, log_in
        from benchmarks.measure.timing import fmt_ms, max_rss_mb, measure

        if args.pg_jit == "off":
            from django.db.backends.signals import connection_created

            connection_created.connect(_jit_off, weak=False)
        timings: dict[str, str] = {"load average at start": machine.load_average()}
        seconds = migrate()
        print(f"migrate: {seconds:.1f} s", flush=True)
        if not args.skip_generate:
            seconds = generate(args.size, args.seed)
            timings["generate_data"] = f"{seconds:.1f} s (size {args.size}, seed {args.seed})"
            print(f"generate_data --size {args.size} --seed {args.seed}: {seconds:.1f} s", flush=True)
        timings["peak RSS before measuring"] = f"{max_rss_mb():,.0f} MB"
        facts = machine.facts()
        for key, value in facts.items():
            print(f"{key}: {value}")
        subjects = _subjects(args.size, args.seed)
        rows: list[Row] = []
        for endpoint in endpoints(subjects):
            if args.only and endpoint.key not in args.only:
                continue
            http = log_in(endpoint.user)
            print(f"\n{endpoint.title} as {endpoint.who}: GET {endpoint.path}", flush=True)
            started = time.perf_counter()
            app = measure(partial(http.get, endpoint.path), repeat=args.repeat, with_tracemalloc=args.tracemalloc)
            response = app.result
            if response.status_code != 200:
                print(f"  status {response.status_code}: not measured further", flush=True)
            kept = _measure_kept(http, endpoint.path, args.repeat) if endpoint.kept else None
            sql = measure(endpoint.baseline, repeat=args.repeat)
            agreement = endpoint.agreement(response, sql.result)
            content = response.content
            row = Row(
                key=endpoint.key,
                title=endpoint.title,
                who=endpoint.who,
                status=response.status_code,
                queries=app.queries_text,
                queries_constant=app.queries_constant,
                app=app,
                sql=sql,
                agreement=agreement.text(),
                same=agreement.same,
                size=len(content),
                size_gzip=len(gzip.compress(content)),
                rss_mb=max_rss_mb(),
                kept=kept,
            )
            rows.append(row)
            print(
                f"  app: {app.spread.short()}, {app.queries_text} queries per request"
                f" ({'the same on every run' if app.queries_constant else 'NOT the same on every run'})"
            )
            print(
                f"       of which in SQL {fmt_ms(sorted(app.sql_ms)[len(app.sql_ms) // 2])}; "
                f"response {_kb(row.size)} ({_kb(row.size_gzip)} gzip), status {row.status}"
            )
            if app.tracemalloc_peak is not None:
                print(f"       tracemalloc peak of one request: {app.tracemalloc_peak / 1024 / 1024:,.1f} MB")
            if kept is not None:
                print(
                    f"  with the figures kept (production, after the first request): {kept.spread.short()}, "
                    f"{kept.queries_text} queries"
                )
            print(f"  SQL: {sql.spread.short()}, {sql.queries_text} queries")
            print(f"  ratio app/SQL: {row.ratio:.1f}×   same figures: {row.agreement}")
            print(
                f"  peak RSS so far: {row.rss_mb:,.0f} MB   ({time.perf_counter() - started:.0f} s for this endpoint)"
            )
            for ms, text in app.slowest_queries[: args.slowest]:
                print(f"    {fmt_ms(ms):>10}  {' '.join(text.split())[:220]}")
        floor_rows = _measure_floors(subjects, args)
        timings["peak RSS at the end"] = f"{max_rss_mb():,.0f} MB"
        timings["load average at the end"] = machine.load_average()
        table = markdown(rows, facts, args, timings, floor_rows)
        print("\n" + table)
        if args.markdown:
            args.markdown.write_text(table, encoding="utf-8")
            print(f"written to {args.markdown}")
        if not all(r.same for r in rows):
            sys.exit("The SQL baselines do not agree with the app on every endpoint (see 'same figures').")


if __name__ == "__main__":
    main()
