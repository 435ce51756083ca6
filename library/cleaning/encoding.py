"""Turn the raw bytes of a scraped file (HTML or plain text) into text.

Evidence is weighed in the design doc's order: a BOM (or UTF-16's telltale NUL bytes without
one), then the declared charset, then strict UTF-8, then strict gb18030 / big5hkscs scored by
the share of common Han characters, then charset-normalizer, then the least damaged lossy
decode. A declaration is checked rather than trusted, because scraped pages often declare
gb2312 over UTF-8 bytes, big5 over GBK bytes, etc.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from charset_normalizer import from_bytes

LOW_CONFIDENCE = 0.6
# How much better a rival decode must score before it overrules a declaration.
_MARGIN = 0.1
_SNIFF_BYTES = 4096
_CHINESE = ("gb18030", "big5hkscs")
_SAMPLE_CHARS = 8192
_QUICK_SAMPLE = 2048

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARATION = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
# Web labels Python's codec registry does not know.
_ALIASES = {
    "x-gbk": "gbk",
    "csgb2312": "gb2312",
    "gb_2312-80": "gb2312",
    "cn-big5": "big5",
    "x-x-big5": "big5",
}
# Pages labelled gb2312/gbk routinely use characters outside those tables, Hong Kong big5 pages
# use HKSCS, and browsers read latin-1/ascii as windows-1252: decode with the superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# Only labels a browser would honour; utf-7, rot13 or a typo are ignored, not obeyed.
_WEB_CODECS = frozenset(
    {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5hkscs", "cp932", "euc_jp"}
    | {"iso2022_jp", "cp949", "cp866", "koi8-r", "koi8-u", "mac-roman"}
    | {f"cp{n}" for n in range(1250, 1259)}
    | {f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)}
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_JUNK_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})  # controls, private use, unassigned


@dataclass(frozen=True)
class Decoded:
    """Decoded text plus how it was obtained; low-confidence decodes get flagged on import."""

    text: str
    encoding: str
    confidence: float
    # "bom" | "utf-16" | "declared" | "utf-8" | "han-score" | "detector" | "fallback"
    method: str

    @property
    def low_confidence(self) -> bool:
        """Whether the import report should flag this decode for a human to check."""
        return self.confidence < LOW_CONFIDENCE


class _Candidate(NamedTuple):
    codec: str
    text: str
    score: float
    han: int


@cache
def _common_han() -> frozenset[str]:
    """GB2312 level 1 (3755) and Big5 frequently-used (5401) characters, from the codecs."""
    gb2312 = [bytes((hi, lo)) for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)]
    big5 = [
        bytes((hi, lo))
        for hi in range(0xA4, 0xC7)
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF))
        if (hi, lo) <= (0xC6, 0x7E)
    ]
    # "replace" plus the Han filter drops the few unassigned cells at the ends of rows.
    return frozenset(
        char
        for codec, cells in (("gb2312", gb2312), ("big5", big5))
        for cell in cells
        for char in cell.decode(codec, "replace")
        if _HAN.match(char)
    )


def _score(text: str) -> tuple[float, int]:
    """Return (share of Han characters that are common, less a junk penalty; Han count)."""
    counts = Counter(text[:_SAMPLE_CHARS])
    common = _common_han()
    han = hits = junk = 0
    for char, n in counts.items():
        if _HAN.match(char):
            han += n
            hits += n if char in common else 0
        elif char == "\ufffd" or (
            unicodedata.category(char) in _JUNK_CATEGORIES and char not in "\t\n\r\f"
        ):
            junk += n
    share = hits / han if han else 1.0
    # A stray control in a long page is harmless; one character in ten wipes the score out.
    return share * max(0.0, 1.0 - 10 * junk / max(1, counts.total())), han


def _candidate(data: bytes, codec: str, errors: str = "strict") -> _Candidate | None:
    try:
        codec = codecs.lookup(codec).name
        text = data.decode(codec, errors)
    except LookupError:
        return None
    except UnicodeDecodeError as error:
        # A download cut off mid-character is still in this encoding, provided the multibyte
        # text before the cut shows it; keep that and mark the cut.
        if error.end < len(data) or data[: error.start].isascii():
            return None
        text = data[: error.start].decode(codec, "replace") + "\ufffd"
    return _Candidate(codec, text, *_score(text))


def _normalise(label: str) -> str | None:
    label = label.strip().lower()
    try:
        codec = codecs.lookup(_ALIASES.get(label, label)).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    codec = _SUPERSETS.get(codec, codec)
    return codec if codec in _WEB_CODECS else None


def declared_charset(data: bytes) -> str | None:
    """Find the charset a document declares about itself in its first few KB.

    Reads ``<meta charset>``, ``<meta http-equiv="Content-Type" content="...; charset=...">``
    and ``<?xml encoding=...?>``. Returns a Python codec name, widened to the superset that
    pages actually use (gb2312/gbk -> gb18030, big5 -> big5hkscs), or None when there is no
    declaration or only labels we do not recognise.
    """
    for match in _DECLARATION.finditer(data[:_SNIFF_BYTES]):
        codec = _normalise((match[1] or match[2]).decode("ascii"))
        if codec is not None:
            # A declaration readable as ASCII cannot be right about UTF-16 (as in browsers).
            return "utf-8" if codec.startswith("utf-16") else codec
    return None


def _overruled(own: _Candidate, rivals: list[_Candidate], ascii_only: bool) -> bool:
    """Whether a strict rival decode is better evidence than the declared charset."""
    try:
        spells_han = bool("中".encode(own.codec))
    except UnicodeEncodeError:
        spells_han = False
    for rival in rivals:
        # Non-ASCII bytes that are valid UTF-8 almost always are UTF-8 (gb18030 reads the
        # UTF-8 "é" as a perfectly common 茅).
        if rival.codec == "utf-8" and not ascii_only and rival.score >= own.score:
            return True
        # A code page that cannot spell Han (cp1252...) decodes any bytes at all, which proves
        # nothing against a clean Chinese decode.
        if not spells_han and rival.han and rival.score >= LOW_CONFIDENCE:
            return True
        if rival.score > own.score + _MARGIN:
            return True
    return False


def _detect(data: bytes) -> _Candidate | None:
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    codec = best.encoding
    # Latin code pages often tie (cp1250 reads "naïve" as "naďve" just as happily);
    # windows-1252 is what the web means by Western text.
    if any("cp1252" in m.could_be_from_charset and m.chaos <= best.chaos for m in matches):
        codec = "cp1252"
    found = _candidate(data, codec, errors="replace")
    return found._replace(score=min(found.score, 1.0 - best.chaos)) if found else None


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" for UTF-16 that starts with no byte-order mark, else None.

    Markup and Latin text in UTF-16 have a NUL in every other byte, on one side only
    (the high byte of each ASCII character): a text in any other encoding does not. The
    sample must also decode strictly.
    """
    sample = data[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    if len(sample) < 8 or len(data) % 2:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= 0.3 * half and low <= 0.02 * half:
            try:
                text = sample.decode(codec)
            except UnicodeDecodeError as error:
                if error.start < len(sample) - 4:  # a surrogate pair cut by the sample
                    return None
                text = sample[: error.start].decode(codec)
            # Binary data with NULs in every other byte decodes to control characters.
            controls = sum(1 for c in text if c < " " and c not in "\t\n\r")
            return codec if controls <= 0.05 * max(len(text), 1) else None
    return None


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode scraped bytes to text, never raising.

    ``declared`` is a charset from an HTTP header or the caller; without one (or with a label
    we do not recognise) the document's own declaration is sniffed. The declaration is used
    only if it decodes strictly and no strict UTF-8, gb18030 or big5hkscs decode beats it on
    the common-Han score (valid non-ASCII UTF-8 wins ties). Only a BOM is stripped; the text
    is otherwise left as decoded, line endings and all.
    """
    if not data:
        return Decoded("", "utf-8", 1.0, "utf-8")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            found = _candidate(data, codec) or _candidate(data, codec, errors="replace")
            return _result(found, "bom")
    if (codec := utf16_without_bom(data)) and (found := _candidate(data, codec)):
        return _result(found, "utf-16")

    codec = (declared and _normalise(declared)) or declared_charset(data)
    if codec in (None, "utf-8"):
        # The common case: valid UTF-8, undeclared or declared so. Strict UTF-8 validity
        # of non-ASCII bytes is near-proof, so no other codec needs trying or scoring.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # a quick look at the start still catches rare-character or control junk
            score, _ = _score(text[:_QUICK_SAMPLE])
            return Decoded(text, "utf-8", score, "declared" if codec else "utf-8")
    utf8 = _candidate(data, "utf-8")
    chinese = [c for c in (_candidate(data, name) for name in _CHINESE) if c]
    if codec:
        strict = [c for c in (utf8, *chinese) if c]
        own = next((c for c in strict if c.codec == codec), None) or _candidate(data, codec)
        rivals = [c for c in strict if c.codec != codec]
        if own and not _overruled(own, rivals, data.isascii()):
            return _result(own, "declared")
    if utf8:
        return _result(utf8, "utf-8")
    best_chinese = max(chinese, key=lambda c: c.score, default=None)
    if best_chinese and best_chinese.score >= LOW_CONFIDENCE:
        return _result(best_chinese, "han-score")

    detected = _detect(data)
    if detected and (not best_chinese or detected.score >= best_chinese.score):
        return _result(detected, "detector")
    if best_chinese:
        return _result(best_chinese, "han-score")
    # Bytes are lost either way; a GBK page with one corrupt byte still reads best as GBK.
    lossy = [_candidate(data, name, errors="replace") for name in ("utf-8", *_CHINESE)]
    return _result(max((c for c in lossy if c), key=lambda c: c.score), "fallback", 0.0)


def _result(found: _Candidate, method: str, confidence: float | None = None) -> Decoded:
    score = found.score if confidence is None else confidence
    return Decoded(found.text, found.codec, score, method)
