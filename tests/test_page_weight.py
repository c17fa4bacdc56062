"""Page weight: every main page, with all it loads, stays within 150 kB compressed (issue 8).

A size assertion, not a timing: each page is fetched as the user who uses it, with the stylesheets, scripts,
fonts (of the @font-face rules actually used) and images it references, each compressed as it is served
(benchmarks/load/page_weight.py says how). The data: unit A grown to the large size of the query-count tests.

`PAGE_WEIGHT_REPORT=<file> pytest tests/test_page_weight.py -k budget -s` also writes the table for the docs
(benchmarks/load/page_weight.py does that).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client as HttpClient

from benchmarks.load.page_weight import BUDGET_BYTES, PageWeight, css_references, kb, markdown_table, weigh_page
from tests.fixtures.actors import World, log_in
from tests.test_query_counts_data import Grown, grow

pytestmark = pytest.mark.django_db

# (page, actor in the world, URL) -- the pages people open most, each as the role that opens it.
MAIN_PAGES: list[tuple[str, str | None, Callable[[Grown], str]]] = [
    ("login", None, lambda g: "/account/login/"),
    ("home (no unit role)", "aggregate_viewer", lambda g: "/"),
    ("worklist", "caseworker", lambda g: "/worklist/"),
    ("client list", "caseworker", lambda g: "/clients/"),
    ("client page", "caseworker", lambda g: f"/clients/{g.client_id}/"),
    ("certificates overview", "caseworker", lambda g: f"/clients/{g.client_id}/certificates/"),
    ("meetings", "caseworker", lambda g: f"/clients/{g.client_id}/meetings/"),
    ("plans", "caseworker", lambda g: f"/clients/{g.client_id}/plans/"),
    ("mapping dashboard", "manager", lambda g: "/stats/mapping/"),
    ("movement report", "manager", lambda g: "/outcomes/movement/"),
    ("time-to-outcome report", "manager", lambda g: "/outcomes/time-to-outcome/"),
]
STYLESHEET = Path(settings.BASE_DIR) / "rattvag/core/static/build/rattvag.css"


def _fetcher(http: HttpClient) -> Callable[[str], tuple[int, dict[str, str], bytes]]:
    def fetch(path: str) -> tuple[int, dict[str, str], bytes]:
        response = http.get(path)
        # The test client closes the response itself (a streamed one once it has been read to the end).
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, {k.lower(): v for k, v in response.headers.items()}, body

    return fetch


def _weights(world: World) -> list[PageWeight]:
    grown = grow(world)
    grown.enlarge()
    actors = world.actors()
    weights = []
    for page, actor, url in MAIN_PAGES:
        http = log_in(HttpClient(), actors[actor]) if actor else HttpClient()
        weights.append(weigh_page(page, url(grown), _fetcher(http)))
    return weights


def test_main_pages_within_budget(world: World) -> None:
    weights = _weights(world)
    table = markdown_table(weights)
    report = os.environ.get("PAGE_WEIGHT_REPORT")
    if report:
        Path(report).write_text(table + "\n", encoding="utf-8")
        print("\n" + table)
        print("\n\n".join(w.breakdown() for w in weights))
    broken = [w for w in weights if w.problems]
    assert not broken, "\n\n".join(w.breakdown() for w in broken)
    heavy = [w for w in weights if w.gzip > BUDGET_BYTES]
    assert not heavy, f"over {kb(BUDGET_BYTES)}:\n\n" + "\n\n".join(w.breakdown() for w in heavy)
    # Every page loads the stylesheet and the script: the measurement saw them.
    for w in weights:
        kinds = {r.kind for r in w.resources}
        assert {"document", "stylesheet", "script"} <= kinds, w.breakdown()


# --- the stylesheet holds the GOV.UK components the templates use, and only the assets it needs -----------

_CLASS = re.compile(r"govuk-!?[a-z0-9-]+(?:__[a-z0-9-]+)?(?:--[a-z0-9-]+)?")
# Classes that are JavaScript hooks or set by scripts, not styled by themselves.
_NOT_STYLED = re.compile(r"^govuk-(js-|frontend|template--rebranded$|breakpoint)")


def _used_classes() -> dict[str, str]:
    """govuk-* blocks (components, objects, `govuk-!-` overrides) in the apps' templates and Python -> a file using it.

    Elements and modifiers are reduced to their block: some have no style of their own (govuk-table__row).
    """
    used: dict[str, str] = {}
    root = Path(settings.BASE_DIR) / "rattvag"
    for path in [*root.rglob("*.html"), *root.rglob("*.py")]:
        if "static" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for name in _CLASS.findall(path.read_text(encoding="utf-8")):
            if name.endswith(("-", "_")) or _NOT_STYLED.match(name):
                continue  # the start of a class built in the template ("govuk-tag--{{ colour }}")
            block = name if name.startswith("govuk-!-") else re.split(r"__|--", name)[0]
            used.setdefault(block, str(path.relative_to(root)))
    return used


def test_every_govuk_class_used_is_in_the_stylesheet() -> None:
    """The stylesheet includes only the GOV.UK components in use: a template using another one fails here."""
    css = STYLESHEET.read_text(encoding="utf-8")
    missing = {
        name: where for name, where in _used_classes().items() if f".{name.replace('!', chr(92) + '!')}" not in css
    }
    assert not missing, (
        "GOV.UK classes used but not in the stylesheet; add the component to rattvag/core/frontend/rattvag.scss "
        f"and run `make assets`: {missing}"
    )


def test_stylesheet_references_resolve_to_static_files() -> None:
    """Every url() the stylesheet loads exists among the static files (so the manifest can hash it)."""
    css = STYLESHEET.read_text(encoding="utf-8")
    for _kind, url in css_references(css):
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def test_base_template_loads_assets_through_static() -> None:
    """Hashed names with far-future caching need {% static %} for every asset base.html loads."""
    base = (Path(settings.BASE_DIR) / "rattvag/core/templates/core/base.html").read_text(encoding="utf-8")
    assets = re.findall(r'<(?:link|script)\b[^>]*?\b(?:href|src)="([^"]*)"', base)
    assert assets
    assert all(ref.startswith("{% static ") for ref in assets), assets


def test_scripts_do_not_import_by_path() -> None:
    """A module import by relative path would reach the unhashed file name (short caching): bundle instead."""
    base = (Path(settings.BASE_DIR) / "rattvag/core/templates/core/base.html").read_text(encoding="utf-8")
    for name in re.findall(r"""\{% static ['"]([^'"]+\.js)['"] %\}""", base):
        found = finders.find(name)
        assert found, name
        source = Path(found).read_text(encoding="utf-8")
        assert not re.search(r"""\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["'][./]""", source), name


def test_every_govuk_module_used_is_initialised() -> None:
    """app.js starts only the GOV.UK components it lists: each data-module a template uses must be among them."""
    app = (Path(settings.BASE_DIR) / "rattvag/core/frontend/app.mjs").read_text(encoding="utf-8")
    listed = re.search(r"for \(const Component of \[([^\]]*)\]\)", app)
    assert listed
    initialised = {name.strip() for name in listed.group(1).split(",")}
    root = Path(settings.BASE_DIR) / "rattvag"
    used = {
        module
        for path in [*root.rglob("*.html"), *root.rglob("*.py")]
        if "static" not in path.parts
        for module in re.findall(r'data-module="govuk-([a-z-]+)"', path.read_text(encoding="utf-8"))
    }
    assert used
    # govuk-error-summary -> ErrorSummary
    missing = {m for m in used if "".join(part.capitalize() for part in m.split("-")) not in initialised}
    assert not missing, f"add these GOV.UK components to rattvag/core/frontend/app.mjs: {sorted(missing)}"
