"""Swedish is the default language: every string must have a Swedish translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("rattvag/*/locale/sv/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'(?P<flags>(?:#,[^\n]*\n)?)(?:#\|[^\n]*\n)*msgid "(?P<id>(?:[^"\\]|\\.)*)"\n'
    r"(?:msgid_plural[^\n]*\n)?"
    r'(?P<strs>(?:msgstr(?:\[\d\])? "(?:[^"\\]|\\.)*"\n(?:"(?:[^"\\]|\\.)*"\n)*)+)'
)


def test_every_app_with_strings_has_a_swedish_catalogue():
    assert CATALOGUES, "no Swedish catalogues found"
    apps_with_catalogue = {path.parts[-5] for path in CATALOGUES}
    assert {"core", "accounts", "clients", "audit", "api"} <= apps_with_catalogue


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_not_fuzzy(catalogue):
    text = catalogue.read_text(encoding="utf-8")
    untranslated, fuzzy = [], []
    for entry in ENTRY.finditer(text + "\n"):
        msgid = entry["id"]
        if not msgid:
            continue  # the header
        if "fuzzy" in entry["flags"]:
            fuzzy.append(msgid)
        if any(value == "" for value in re.findall(r'msgstr(?:\[\d\])? "((?:[^"\\]|\\.)*)"', entry["strs"])):
            # A multi-line msgstr starts with "" and continues on the next lines.
            continuation = re.findall(r'^"((?:[^"\\]|\\.)*)"$', entry["strs"], flags=re.MULTILINE)
            if not any(continuation):
                untranslated.append(msgid)
    assert not fuzzy, f"{catalogue}: fuzzy entries {fuzzy}"
    assert not untranslated, f"{catalogue}: untranslated {untranslated}"
