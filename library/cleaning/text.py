"""Plain text: lines as pieces, control characters, titles, and transcripts as paragraphs."""

from __future__ import annotations

import re

from .document import Block, Removal
from .page import Page, Piece

# C0/C1 controls except tab and newline, plus the BOM and other characters that have
# no business in article text. \r is handled separately (it ends a line).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff]+")
LINE = re.compile(r"[^\r\n]+")
NEWLINE = re.compile(r"\r\n|\r|\n")
EDGE_WHITESPACE = " \t\u3000\u00a0"

TITLE_MAX = 64
# Chinese headlines rarely pass 40 characters; a longer first line is a sentence.
HEADLINE_MAX = {"zh": 40, "en": 100}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
TITLE_BREAK = re.compile(r"[,，。.!?！？;；:：]")
TRAILING_TITLE_PUNCTUATION = ":：,，;；—-"

# Transcripts: one spoken phrase per line, few sentence marks.
TRANSCRIPT_MIN_LINES = 20
TRANSCRIPT_SHORT_LINE = 30
PARAGRAPH_SOFT = 160  # start a new paragraph at a discourse marker past this length
PARAGRAPH_HARD = 320  # and at the next line past this one
ENDS_CLAUSE = re.compile(r"[，。！？；：、,.!?;:…—”’」』）)\]】]$")
LATIN_EDGE = re.compile(r"[A-Za-z0-9%]")
DISCOURSE = re.compile(
    r"^(?:不过|但是|但|另外|同时|因此|所以|那么|首先|其次|然后|最后|总体来说|总的来说|总之|"
    r"当然|此外|而且|接下来|其实|好了|那以上|关于|除此之外|与此同时|值得一提的是|比如|例如|"
    r"目前|今天|据|而在|在这|对于|还有)"
)


def control_characters(text: str) -> list[Removal]:
    """One removal per run of control characters (NUL, C1, stray BOMs) in `text`."""
    return [
        Removal(text=match.group(), rule="control-characters", start=match.start())
        for match in CONTROL.finditer(text)
    ]


def text_page(text: str) -> Page:
    """One piece per non-blank line, at its offset in `text` (\\r\\n, \\r and \\n all end a line).

    Edge whitespace, including the full-width spaces (U+3000) that indent Chinese
    paragraphs, is trimmed: the reading page indents by style, not by characters.
    """
    pieces = []
    previous_end = 0
    for match in LINE.finditer(text):
        line = match.group()
        stripped = line.strip(EDGE_WHITESPACE)
        if stripped.strip():
            start = match.start() + len(line) - len(line.lstrip(EDGE_WHITESPACE))
            # More than one line break since the last line: a paragraph break.
            gap = text[previous_end : match.start()]
            breaks = len(NEWLINE.findall(gap))
            attrs = {"after_blank": True} if pieces and breaks > 1 else {}
            pieces.append(Piece("paragraph", stripped, start, attrs=attrs))
            previous_end = match.end()
    return Page(pieces)


def is_headline(line: str) -> bool:
    """Short enough to be a headline rather than the article's first sentence."""
    chinese = len(HAN.findall(line)) >= 0.3 * len(line)
    return len(line) <= HEADLINE_MAX["zh" if chinese else "en"]


def guess_title(first_line: str) -> str:
    """A title from the first line: the whole line if it is a headline, else its first clause."""
    first = first_line.strip().rstrip(TRAILING_TITLE_PUNCTUATION).strip()
    if is_headline(first):
        return first
    clause = TITLE_BREAK.search(first, 8, TITLE_MAX + 1)
    if clause:
        return first[: clause.start()]
    return first[:TITLE_MAX].rstrip() + "…"


def is_transcript(lines: list[str], paragraph_breaks: int = 0) -> bool:
    """Phrase-per-line text: many short lines, most without closing punctuation.

    A transcript dump has no blank lines between paragraphs; a forum post or poem with
    short lines has them, and keeps its own line breaks.
    """
    if len(lines) < TRANSCRIPT_MIN_LINES or paragraph_breaks > 0.05 * len(lines):
        return False
    short = sum(1 for line in lines if len(line) <= TRANSCRIPT_SHORT_LINE)
    closed = sum(1 for line in lines if ENDS_CLAUSE.search(line))
    return short >= 0.7 * len(lines) and closed <= 0.3 * len(lines)


def join_phrases(lines: list[str]) -> list[Block]:
    """Join transcript phrases into paragraphs of readable length, dropping no character.

    Phrases are joined with a comma (or a space between Latin words) unless the first
    already ends a clause; a paragraph that ends without a mark gets a full stop.
    Paragraphs break at a discourse marker (不过, 另外, 那么 …) once they are long enough.
    """
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if current and (
            len(current) >= PARAGRAPH_HARD
            or (len(current) >= PARAGRAPH_SOFT and DISCOURSE.match(line))
        ):
            paragraphs.append(current)
            current = ""
        if not current:
            current = line
        elif ENDS_CLAUSE.search(current):
            current += line
        elif LATIN_EDGE.match(current[-1]) and LATIN_EDGE.match(line[0]):
            current += " " + line
        else:
            current += "，" + line
    if current:
        paragraphs.append(current)
    return [
        Block("paragraph", text if ENDS_CLAUSE.search(text) else text + "。") for text in paragraphs
    ]
