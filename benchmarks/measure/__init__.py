"""The benchmark harness: in-process timings of the app's pages and API against hand-written SQL baselines.

- ``timing``: warm-up + repeats, median and spread, query counts, memory.
- ``endpoints``: what is measured (the seven endpoints) and the app's own figures for the comparison.
- ``baselines``: the same figures computed by plain SQL straight against the database.
- ``compare``: whether the baseline and the app agree ("same figures: yes/no (what differs)").
- ``machine``: the facts about the machine and the database for the report.
- ``sample``: a small, varied dataset for the tests (and for runs without the synthetic generator).

Run it with ``benchmarks/run_benchmarks.py`` (see benchmarks/README.md).
"""
