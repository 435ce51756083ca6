"""Repair of broken Simplified→Traditional conversions that leave pinyin behind.

Some converters annotate each changed character with its reading: `網(wǎng)易`,
`內(nèi)部`. A parenthesised run of pinyin is removed only when it is a reading of the
character right before it, so `奧特曼(Sam Altman)` and `(如有圖片)` stay.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pypinyin import Style, pinyin

from .document import Removal

RULE = "pinyin-artifact"

PINYIN_AFTER_HAN = re.compile(
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f])"
    r"[(（](?P<reading>[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêḿńňǹ]{1,7})[)）]"
)


@cache
def readings(char: str) -> frozenset[str]:
    """Every reading pypinyin knows for `char`, with and without tone marks."""
    toned = pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")
    plain = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return frozenset(reading for group in (*toned, *plain) for reading in group)


def pinyin_artifacts(text: str) -> list[Removal]:
    """The `(pinyin)` runs in `text` that only repeat the reading of the character before."""
    removals = []
    for match in PINYIN_AFTER_HAN.finditer(text):
        reading = unicodedata.normalize("NFC", match.group("reading").lower())
        if reading in readings(text[match.start() - 1]):
            removals.append(Removal(text=match.group(), rule=RULE, start=match.start()))
    return removals
