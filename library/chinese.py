"""Chinese text helpers: script detection and language guessing. No Django here.

OpenCC's character-level configs map one code point to one code point, so converting
never moves an offset (DESIGN.md: "character-level OpenCC display").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from operator import ne

import opencc

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
LATIN_WORD = re.compile(r"[A-Za-z]+")

# A document is "mixed" when the minority script has at least this share of the
# characters that differ between the scripts.
MIXED_SHARE = 0.2
SCRIPT_SAMPLE = 4_000


@cache
def converter(config: str) -> opencc.OpenCC:
    """A cached OpenCC converter, e.g. `converter("t2s")`."""
    return opencc.OpenCC(config)


def detect_script(text: str) -> str:
    """Say whether `text` is written in "simplified", "traditional" or "mixed" script.

    Counts the characters that only one script uses (those that t2s or s2t would
    change); "unknown" when there are none, e.g. English text or shared characters only.
    """
    text = text[:SCRIPT_SAMPLE]  # a few thousand characters decide it
    to_simplified = converter("t2s").convert(text)
    to_traditional = converter("s2t").convert(text)
    traditional = sum(map(ne, text, to_simplified))
    simplified = sum(map(ne, text, to_traditional))
    total = traditional + simplified
    if total == 0:
        return "unknown"
    if min(traditional, simplified) / total >= MIXED_SHARE:
        return "mixed"
    return "traditional" if traditional > simplified else "simplified"


def detect_language(text: str) -> str:
    """Guess "zh" or "en" (or "" for neither) from Han characters against Latin words."""
    han = len(HAN.findall(text))
    words = len(LATIN_WORD.findall(text))
    if han == 0 and words == 0:
        return ""
    # One Han character carries about as much as one English word.
    return "zh" if han >= words else "en"


def search_key(text: str) -> str:
    """The folded form text is searched and matched in: NFKC, Simplified, casefolded.

    Queries get the same folding, so 奥特曼 finds 奧特曼 and ＡＩ finds ai. Never stored
    in place of the canonical text (NFKC changes CJK compatibility ideographs).
    """
    return converter("t2s").convert(unicodedata.normalize("NFKC", text)).casefold()


# Where the characters live whose folding is not one character for one: compatibility
# forms, ligatures, enclosed and fullwidth forms, combining marks, jamo. Han ideographs
# and Hangul syllables fold one to one and are not scanned.
_SCANNED = ((0x80, 0x4DFF), (0xA000, 0xABFF), (0xD7B0, 0xD7FF), (0xF900, 0xFFFF))
_SCANNED_ASTRAL = ((0x1D000, 0x1F2FF),)


@cache
def _uneven() -> dict[int, None]:
    """The characters that may fold to more or fewer characters, as a table deleting
    them: NFKC expands “…” to “...”, casefolding “ß” to “ss”, and combining marks or
    jamo compose with the character before them. Built once (tens of milliseconds)."""
    found: dict[int, None] = {}
    for low, high in _SCANNED + _SCANNED_ASTRAL:
        for code in range(low, high + 1):
            char = chr(code)
            folded = unicodedata.normalize("NFKC", char)
            if (
                len(folded) != 1
                or len(folded.casefold()) != 1
                or unicodedata.combining(char)
                or unicodedata.combining(folded)
                or 0x1100 <= ord(folded) <= 0x11FF
            ):
                found[code] = None
    return found


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """`search_key(text)`, with the offset in `text` of every folded character.

    NFKC and casefolding may expand a character (“ﬁ” → “fi”, “ß” → “ss”), so each
    step is applied per character and the map follows; t2s is one-to-one. Text without
    such characters (most lines) folds one to one, in one call.
    """
    if len(text.translate(_uneven())) == len(text):
        return search_key(text), list(range(len(text)))
    nfkc: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        piece = char if char.isascii() else unicodedata.normalize("NFKC", char)
        nfkc.append(piece)
        origin.extend([offset] * len(piece))
    simplified = converter("t2s").convert("".join(nfkc))
    folded: list[str] = []
    offsets: list[int] = []
    for position, char in enumerate(simplified):
        piece = char.casefold()
        folded.append(piece)
        offsets.extend([origin[position]] * len(piece))
    return "".join(folded), offsets
