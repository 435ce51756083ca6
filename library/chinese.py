"""Chinese text helpers: script detection and language guessing. No Django here.

OpenCC's character-level configs map one code point to one code point, so converting
never moves an offset (DESIGN.md: "character-level OpenCC display").
"""

from __future__ import annotations

import re
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
