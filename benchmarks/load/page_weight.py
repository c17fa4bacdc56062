"""Page weight: what a main page costs over the wire, HTML plus every stylesheet, script, font and image it loads.

Two ways to run it:

    # in-process, the pages of tests/test_page_weight.py as the right users, a markdown table for the docs
    .venv/bin/python benchmarks/load/page_weight.py [--output weights.md]

    # against a running production server (run_load_test.sh does this): the login page and its assets as
    # actually served -- compressed bytes on the wire, hashed names, Cache-Control
    python3 benchmarks/load/page_weight.py --live http://127.0.0.1:8001

The weighing itself (`weigh_page`) takes a fetch function, so the test suite, the script and the live check
share it. Static files are compressed as WhiteNoise's CompressedManifestStaticFilesStorage stores them
(gzip level 9, brotli when the package is there; fonts and raster images are sent as they are, a file whose
compressed form saves less than 5 % is sent uncompressed); the HTML is counted gzipped, as the
TLS-terminating proxy (or Django's GZipMiddleware) sends it. Fonts count only when a rule uses the family
of their @font-face; JavaScript modules count with the modules they import.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

try:  # WhiteNoise stores .br files when the brotli package is installed (it is, through fonttools)
    import brotli
except ImportError:  # pragma: no cover - the load test's venv may lack it
    brotli = None

BUDGET_BYTES = 150_000  # 150 kB per page, compressed, everything included
ROOT = Path(__file__).resolve().parents[2]

# (status, headers with lower-case names, body) for a URL path
Fetch = Callable[[str], tuple[int, dict[str, str], bytes]]

# WhiteNoise does not compress these (already compressed formats).
NOT_COMPRESSED = (".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".br", ".gz")


def compressed_sizes(url: str, body: bytes) -> tuple[int, int]:
    """(gzip, brotli) sizes as served: the raw size when the format is not compressed or compression saves < 5 %."""
    raw = len(body)
    if urlsplit(url).path.lower().endswith(NOT_COMPRESSED):
        return raw, raw
    gz = len(gzip.compress(body, compresslevel=9, mtime=0))
    br = len(brotli.compress(body)) if brotli is not None else gz
    return (gz if gz < raw * 0.95 else raw), (br if br < raw * 0.95 else raw)


@dataclass(frozen=True)
class Resource:
    url: str
    kind: str  # document, stylesheet, script, font, image
    raw: int
    gzip: int
    brotli: int


@dataclass
class PageWeight:
    page: str
    url: str
    resources: list[Resource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def raw(self) -> int:
        return sum(r.raw for r in self.resources)

    @property
    def gzip(self) -> int:
        return sum(r.gzip for r in self.resources)

    @property
    def brotli(self) -> int:
        return sum(r.brotli for r in self.resources)

    def by_kind(self, kind: str) -> int:
        return sum(r.gzip for r in self.resources if r.kind == kind)

    def breakdown(self) -> str:
        lines = [f"{self.page} ({self.url}): {kb(self.gzip)} gzip, {kb(self.brotli)} brotli, {kb(self.raw)} raw"]
        for r in sorted(self.resources, key=lambda r: -r.gzip):
            lines.append(f"  {r.kind:<10} {kb(r.gzip):>9} gzip {kb(r.raw):>9} raw  {r.url}")
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)


def kb(size: int) -> str:
    return f"{size / 1000:.1f} kB"


class _Links(HTMLParser):
    """The resources an HTML page makes the browser load."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)
        self.module_scripts: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link":
            rel = set(a.get("rel", "").lower().split())
            if "stylesheet" in rel and a.get("href"):
                self.found.append(("stylesheet", a["href"]))
            elif rel & {"icon", "shortcut", "apple-touch-icon"} and a.get("href"):
                self.found.append(("image", a["href"]))
            elif rel & {"preload", "modulepreload"} and a.get("href"):
                kind = {"font": "font", "style": "stylesheet", "image": "image"}.get(a.get("as", ""), "script")
                self.found.append((kind, a["href"]))
        elif tag == "script" and a.get("src"):
            self.found.append(("script", a["src"]))
            if a.get("type") == "module":
                self.module_scripts.add(a["src"])
        elif tag in {"img", "input"} and a.get("src") and (tag == "img" or a.get("type") == "image"):
            self.found.append(("image", a["src"]))


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.I)
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""", re.I)
_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)
_FONT_SHORTHAND = re.compile(r"(?<![-\w])font\s*:\s*([^;}]+)", re.I)
_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*[\w*{}\s,$]+\s*from\s*|\bimport\s*\(\s*)["']([^"']+)["']"""
)


def _families(value: str) -> set[str]:
    return {f.strip().strip("'\"").lower() for f in value.split(",") if f.strip()}


def css_references(css: str) -> list[tuple[str, str]]:
    """(kind, url) of what a stylesheet loads: fonts of used @font-face families, images, @import."""
    css = _CSS_COMMENT.sub("", css)
    found: list[tuple[str, str]] = []
    used_families: set[str] = set()
    without_faces = _FONT_FACE.sub("", css)
    for match in _FAMILY.finditer(without_faces):
        used_families |= _families(match.group(1))
    for match in _FONT_SHORTHAND.finditer(without_faces):  # "font: bold 16px/1.25 Family, sans-serif"
        used_families |= _families(match.group(1).split(" ", 1)[-1])
    for face in _FONT_FACE.finditer(css):
        family = _FAMILY.search(face.group(1))
        if family and _families(family.group(1)) & used_families:
            found += [("font", m.group(2)) for m in _URL.finditer(face.group(1)) if not m.group(2).startswith("data:")]
    found += [("image", m.group(2)) for m in _URL.finditer(without_faces) if not m.group(2).startswith("data:")]
    found += [("stylesheet", m.group(1)) for m in re.finditer(r"""@import\s+(?:url\()?['"]([^'"]+)""", css)]
    return found


def weigh_page(page: str, url: str, fetch: Fetch) -> PageWeight:
    """Fetch the page and everything it loads (each URL once) and add up the sizes."""
    weight = PageWeight(page=page, url=url)
    status, _headers, html = fetch(url)
    if status != 200:
        weight.problems.append(f"{url} answered {status}")
        return weight
    gz, br = compressed_sizes(url + ".html", html)
    weight.resources.append(Resource(url, "document", len(html), gz, br))
    links = _Links()
    links.feed(html.decode("utf-8", "replace"))
    queue = [(kind, urljoin(url, ref), ref in links.module_scripts) for kind, ref in links.found]
    seen = {url}
    while queue:
        kind, ref, is_module = queue.pop(0)
        parts = urlsplit(ref)
        if parts.scheme not in ("", "http", "https") or ref.startswith("data:"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen:
            continue
        seen.add(path)
        status, _headers, body = fetch(path)
        if status != 200:
            weight.problems.append(f"{path} ({kind}) answered {status}")
            continue
        gz, br = compressed_sizes(path, body)
        weight.resources.append(Resource(path, kind, len(body), gz, br))
        if kind == "stylesheet":
            queue += [(k, urljoin(path, r), False) for k, r in css_references(body.decode("utf-8", "replace"))]
        elif kind == "script" and is_module:
            imports = _JS_IMPORT.findall(body.decode("utf-8", "replace"))
            queue += [("script", urljoin(path, r), True) for r in imports if r.startswith((".", "/"))]
    return weight


def markdown_table(weights: list[PageWeight]) -> str:
    header = (
        "| page | HTML | CSS | JS | fonts | images | **total gzip** | total brotli | HTML not compressed | "
        "nothing compressed |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for w in weights:
        cells = [kb(w.by_kind(k)) for k in ("document", "stylesheet", "script", "font", "image")]
        html_raw = w.gzip - w.by_kind("document") + sum(r.raw for r in w.resources if r.kind == "document")
        totals = f"**{kb(w.gzip)}** | {kb(w.brotli)} | {kb(html_raw)} | {kb(w.raw)}"
        lines.append(f"| {w.page} | " + " | ".join(cells) + f" | {totals} |")
    return "\n".join(lines)


# --- live check against a running server ----------------------------------------------------------------

_HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


def live_check(base_url: str) -> int:
    """Weigh the login page as served, and check compression, hashed names and caching of its static files."""
    base = base_url.rstrip("/")

    def fetch(path: str, encoding: str = "gzip") -> tuple[int, dict[str, str], bytes]:
        asked = {"Accept-Encoding": encoding, "X-Forwarded-Proto": "https"}
        request = urllib.request.Request(base + path, headers=asked)  # noqa: S310 - the server we started
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - the server we started
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()

    weight = weigh_page("login", "/account/login/", lambda p: fetch(p, "identity"))
    problems = list(weight.problems)
    print("Login page as served by the running server:\n")
    rows = [
        "| file | sent (gzip) | sent (br) | raw | Content-Encoding | Cache-Control |",
        "|---|---:|---:|---:|---|---|",
    ]
    sent = 0
    for resource in weight.resources:
        _s, gz_headers, gz_body = fetch(resource.url, "gzip")
        sent += len(gz_body)
        if resource.kind == "document" and not gz_headers.get("content-encoding"):
            print(f"Note: {resource.url} is sent uncompressed by the app (the proxy or GZipMiddleware compresses it).")
        _s, br_headers, br_body = fetch(resource.url, "br")
        cache = gz_headers.get("cache-control", "")
        encoding = "/".join(filter(None, [gz_headers.get("content-encoding"), br_headers.get("content-encoding")]))
        sizes = f"{kb(len(gz_body))} | {kb(len(br_body))} | {kb(resource.raw)}"
        rows.append(f"| {resource.url} | {sizes} | {encoding or '-'} | {cache} |")
        if resource.url.startswith("/static/"):
            if not _HASHED.search(urlsplit(resource.url).path):
                problems.append(f"{resource.url}: not a hashed name")
            if "immutable" not in cache and "max-age=315360000" not in cache:
                problems.append(f"{resource.url}: not cached far ahead ({cache!r})")
    print("\n".join(rows))
    print(f"\nTotal sent to a browser asking for gzip: {kb(sent)}; {kb(weight.gzip)} with the HTML gzipped too.")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", metavar="BASE_URL", help="check a running server instead of measuring in-process")
    parser.add_argument("--output", help="write the markdown table here too")
    args = parser.parse_args()
    if args.live:
        raise SystemExit(live_check(args.live))
    env = dict(os.environ, PAGE_WEIGHT_REPORT=str(Path(args.output or "/dev/null").resolve()))
    env.setdefault("DATABASE_URL", "sqlite:///:memory:")
    command = [str(ROOT / ".venv/bin/pytest"), "tests/test_page_weight.py", "-n0", "-q", "-s", "-k", "budget"]
    raise SystemExit(subprocess.call(command, cwd=ROOT, env=env))  # noqa: S603 - our own test run


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
