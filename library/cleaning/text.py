"""Plain-text cleaning: newline and control-character normalisation, blocks from lines."""

from __future__ import annotations

import re

from .document import Block, Removal

# C0/C1 controls except tab and newline, plus the BOM and other characters that have
# no business in article text. \r is handled separately (it becomes a newline).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]+")
EDGE_WHITESPACE = " \t\u3000\u00a0"

TITLE_MAX = 64
TITLE_BREAKS = ",，。.!?！？;；:："


def control_characters(text: str) -> list[Removal]:
    """One removal per run of control characters (NUL, C1, stray BOMs) in `text`."""
    return [
        Removal(text=match.group(), rule="control-characters", start=match.start())
        for match in CONTROL.finditer(text)
    ]


def unify_newlines(text: str) -> str:
    """`\\r\\n` and lone `\\r` become `\\n`."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[Block]:
    """One paragraph block per non-blank line, with edge whitespace trimmed.

    Edge whitespace includes the full-width spaces (U+3000) that indent Chinese
    paragraphs: the reading page indents by style, not by characters.
    """
    lines = (line.strip(EDGE_WHITESPACE) for line in text.split("\n"))
    return [Block("paragraph", line) for line in lines if line.strip()]


def guess_title(blocks: list[Block]) -> str:
    """A title from the first block: the whole line if short, else its first clause."""
    if not blocks:
        return ""
    first = blocks[0].text.strip()
    if len(first) <= TITLE_MAX:
        return first
    breaks = [first.find(mark) for mark in TITLE_BREAKS if 8 <= first.find(mark) <= TITLE_MAX]
    if breaks:
        return first[: min(breaks)]
    return first[:TITLE_MAX].rstrip() + "…"
