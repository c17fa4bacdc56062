"""Fill msgstr for msgids in a .po file from a JSON {msgid: Swedish} map; keeps existing ones.

Usage: python scripts/po_fill.py path/to/django.po translations.json
Prints the msgids still untranslated afterwards.
"""

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"')
# A fuzzy guess by msgmerge (flag and previous msgid) in front of an entry we have a translation for.
FUZZY = re.compile(r'#, fuzzy\n(?:#\|[^\n]*\n)*msgid "((?:[^"\\]|\\.)*)"\nmsgstr "(?:[^"\\]|\\.)*"')


def fill(po_path: Path, mapping: dict[str, str]) -> list[str]:
    text = po_path.read_text(encoding="utf-8")

    def replace(match: re.Match[str]) -> str:
        msgid, msgstr = match.group(1), match.group(2)
        if msgstr == "" and msgid in mapping:
            return f'msgid "{msgid}"\nmsgstr "{mapping[msgid].replace(chr(34), chr(92) + chr(34))}"'
        return match.group(0)

    def unfuzz(match: re.Match[str]) -> str:
        msgid = match.group(1)
        return f'msgid "{msgid}"\nmsgstr ""' if msgid in mapping else match.group(0)

    text = FUZZY.sub(unfuzz, text)
    text = ENTRY.sub(replace, text)
    text = text.replace("charset=CHARSET", "charset=UTF-8")
    text = re.sub(r'#, fuzzy\n(?=msgid "")', "", text, count=1)
    po_path.write_text(text, encoding="utf-8")
    return re.findall(r'msgid "((?:[^"\\]|\\.)+)"\nmsgstr ""\n', text)


if __name__ == "__main__":
    po, translations = Path(sys.argv[1]), Path(sys.argv[2])
    untranslated = fill(po, json.loads(translations.read_text(encoding="utf-8")))
    print(f"{po}: {len(untranslated)} untranslated", *untranslated, sep="\n  ")
