"""Search terms on folded text: CJK bigrams, single characters and words. No Django here.

Chinese has no spaces, so the index cannot use words. Every run of CJK characters in
the folded text (NFKC, Simplified, casefolded: `chinese.search_key`) becomes its
overlapping bigrams, a run of one character stays as it is, and any other run of
letters or digits is a word:

    "openai的奥特曼说" → openai 的奥 奥特 特曼 曼说

The tokens keep their order, so a query of two or more CJK characters is the phrase of
its own bigrams (奥特曼 → "奥特 特曼", which only matches where the two are adjacent,
i.e. where 奥特曼 is written). A query of one character cannot be a bigram: the index
also holds the set of single characters (`characters`) for those. Bigrams never cross a
punctuation mark, a space or a line break, just as a phrase in the text does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chinese import folded_with_offsets, search_key

# Han (with extensions and compatibility ideographs), kana and Hangul: scripts written
# without spaces, indexed by bigrams.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
TOKEN = re.compile(rf"([{CJK}]+)|[^\W_{CJK}]+")
CJK_CHAR = re.compile(rf"[{CJK}]")

# A query is cut to this many terms: more adds nothing but work.
MAX_QUERY_TERMS = 12


def tokens(folded: str) -> list[str]:
    """The positional tokens of folded text: CJK bigrams (or a lone character) and words."""
    result: list[str] = []
    for match in TOKEN.finditer(folded):
        piece = match.group()
        if match.group(1) and len(piece) > 1:
            result.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        else:
            result.append(piece)
    return result


def characters(tokens_: list[str] | tuple[str, ...]) -> set[str]:
    """The single CJK characters in `tokens_` (what a one-character query looks for)."""
    return set(CJK_CHAR.findall("".join(tokens_)))


def is_cjk(token: str) -> bool:
    return bool(CJK_CHAR.match(token))


@dataclass(frozen=True)
class Term:
    """One piece of a query: a CJK run or a word, as its index tokens.

    `single` is a lone CJK character, looked up among the characters, not the tokens.
    """

    text: str
    tokens: tuple[str, ...]

    @property
    def single(self) -> bool:
        return len(self.text) == 1 and is_cjk(self.text)

    @property
    def prefix(self) -> bool:
        """A word of three letters or more also finds longer words (GPU finds GPUs)."""
        return len(self.text) >= 3 and not is_cjk(self.text) and not self.text.isdigit()


@dataclass(frozen=True)
class Query:
    """A parsed query: its folded text and terms. Every term must match (AND)."""

    text: str
    folded: str
    terms: tuple[Term, ...]
    spans: tuple[tuple[int, int], ...] = ()  # where each term is in `folded`

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def phrase(self) -> tuple[str, ...]:
        """All the query's tokens in order: matched as one phrase, they mean the query
        is written in the text as it was typed (give or take punctuation)."""
        return tuple(token for term in self.terms for token in term.tokens)

    @property
    def needles(self) -> list[str]:
        """What a snippet marks: each term's folded text, longest first."""
        return sorted({term.text for term in self.terms}, key=len, reverse=True)


def parse_query(text: str) -> Query:
    """`text` as a query: folded like the index, cut into CJK runs and words."""
    folded = search_key(text).strip()
    terms = []
    spans = []
    for match in TOKEN.finditer(folded):
        piece = match.group()
        terms.append(Term(piece, tuple(tokens(piece))))
        spans.append(match.span())
        if len(terms) >= MAX_QUERY_TERMS:
            break
    return Query(text, folded, tuple(terms), tuple(spans))


# Snippets --------------------------------------------------------------------------------

SNIPPET_WIDTH = 90


@dataclass(frozen=True)
class Snippet:
    """A stretch of a text around a match: `text[start:end]` with marks (offsets into it)."""

    start: int
    end: int
    marks: tuple[tuple[int, int], ...]
    clipped_start: bool
    clipped_end: bool


def _fold(line: str) -> tuple[str, list[int] | None]:
    """The folded line and the map back, or None when folding kept every position."""
    folded = search_key(line)
    if len(folded) == len(line):
        return folded, None
    return folded_with_offsets(line)


def _occurrences(folded: str, needles: list[str]) -> list[tuple[int, int]]:
    """Where the needles occur in `folded`, longest first, not overlapping, in order."""
    taken: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        at = folded.find(needle)
        while at >= 0:
            end = at + len(needle)
            if all(end <= s or at >= e for s, e in taken):
                taken.append((at, end))
            at = folded.find(needle, end)
    return sorted(taken)


def marks(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Where the folded needles occur in `text` (a title, a quote), as offsets into it."""
    found = []
    position = 0
    for line in text.split("\n"):
        folded, back = _fold(line)
        for start, end in _occurrences(folded, needles):
            if back is not None:
                start, end = back[start], back[end - 1] + 1
            found.append((position + start, position + end))
        position += len(line) + 1
    return found


def _unfolded(back: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """A stretch of folded text as offsets into the text it was folded from."""
    if back is None:
        return start, end
    return back[start], back[end - 1] + 1


def find_snippet(
    text: str, needles: list[str], *, width: int = SNIPPET_WIDTH, skip: int = 0
) -> Snippet | None:
    """The first stretch of `text` (line by line, from `skip`) holding a folded needle.

    Only the lines up to the first match are folded, so a match near the top of a long
    article costs little. Marks are code-point offsets into `text`, whatever folding did
    (NFKC may turn one character into three: "…" into "...").
    """
    position = skip
    for line in text[skip:].split("\n"):
        line_start = position
        position += len(line) + 1
        if not line.strip():
            continue
        folded, back = _fold(line)
        found = _occurrences(folded, needles)
        if not found:
            continue

        marks = [_unfolded(back, s, e) for s, e in found]
        first_start, first_end = marks[0]
        # Centre the window on the first match, within the line.
        room = max(0, width - (first_end - first_start))
        start = max(0, first_start - room // 3)
        end = min(len(line), start + max(width, first_end - first_start))
        start = max(0, min(start, end - width))
        # Do not open the window inside a Latin word ("…enAI").
        while 0 < start < first_start and line[start - 1].isascii() and line[start].isalnum():
            start += 1
        kept = tuple(
            (line_start + max(s, start), line_start + min(e, end))
            for s, e in marks
            if s < end and e > start
        )
        return Snippet(line_start + start, line_start + end, kept, start > 0, end < len(line))
    return None


def headline_end(text: str, title: str) -> int:
    """Where the article's text goes on past its headline, when its first line repeats
    the title (most scraped pages do); else 0. Snippets start after it."""
    first, _, _ = text.partition("\n")
    head = search_key(first).strip(" :：")
    wanted = search_key(title).strip(" :：")
    if not head or not wanted or len(first) > 200:
        return 0
    # The headline is the title give or take a colon; a first paragraph the title was
    # cut from is not.
    if not (head.startswith(wanted) or wanted.startswith(head)) or len(head) > len(wanted) + 3:
        return 0
    end = len(first) + 1
    while end < len(text) and text[end] == "\n":
        end += 1
    return min(end, len(text))


def leading_snippet(text: str, *, width: int = SNIPPET_WIDTH) -> Snippet:
    """The start of the article, for a result found by its title or an entity only."""
    skip = 0
    lines = text.split("\n")
    # The first line is usually the headline, which the result shows already.
    if len(lines) > 2 and len(lines[0]) < 80:
        skip = len(lines[0]) + 1
        while skip < len(text) and text[skip] == "\n":
            skip += 1
    end = min(len(text), skip + width)
    line_end = text.find("\n", skip)
    if line_end != -1 and line_end < end:
        end = line_end
    return Snippet(skip, end, (), False, end < len(text))
