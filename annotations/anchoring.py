"""Re-anchoring highlights onto a new revision of a text. No Django here.

A highlight is stored as a selector pair (DESIGN.md): code point offsets plus the quote
and 32 code points of context either side. When the text changes, `reanchor` looks for
the quote in the new text, in order of confidence:

1. exact: the quote is still at the same offsets (with its context);
2. moved: the quote occurs elsewhere: the occurrence whose context agrees best, ties
   going to the one nearest the old position;
3. fuzzy: a passage similar enough to the quote (rapidfuzz), with its score;
4. orphaned: nothing trustworthy. A wrong placement is worse than none, so short
   quotes need their context to agree, and doubt always ends here.

Matching runs on *folded* text (t2s, NFKC, casefold, whitespace dropped), so a script
change or re-spaced punctuation still matches; every folded character remembers the
code point it came from, so the offsets returned are real offsets into the new text.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from rapidfuzz import fuzz

from library.chinese import converter

CONTEXT = 32

EXACT = "exact"
MOVED = "moved"
FUZZY = "fuzzy"
ORPHANED = "orphaned"
STATES = (EXACT, MOVED, FUZZY, ORPHANED)

# Quotes shorter than this (in folded characters) occur by chance: they are placed
# only where enough of their old context is still around them (`_Quote.trusted`).
SHORT_QUOTE = 16
SHORT_QUOTE_AGREEMENT = 0.75
# Fuzzy matching: the least similarity (0..1) accepted, and the shortest quote tried.
FUZZY_THRESHOLD = 0.8
FUZZY_MIN_LENGTH = 8
# Bounds on the work spent on one highlight whose quote is common.
MAX_OCCURRENCES = 200
SEED_LENGTH = 4
MAX_SEEDS = 16
MAX_SEED_HITS = 64
MAX_WINDOWS = 8


@dataclass(frozen=True)
class Selector:
    """Where a highlight was: offsets into its text, the quote and its context."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Anchor:
    """Where a highlight goes in a new text.

    For an orphan, `start`/`end` are the old selector's: they still point into the
    old text, not the new one.
    """

    state: str
    start: int
    end: int
    score: float | None


def make_selector(text: str, start: int, end: int, context: int = CONTEXT) -> Selector:
    """The selector for `text[start:end]`, with `context` code points either side."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad range {start}:{end} for a text of {len(text)} code points")
    return Selector(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


# --- folding ----------------------------------------------------------------------

_folded_chars: dict[str, str] = {}


def _t2s_table(chars: set[str]) -> dict[str, str]:
    """Each character converted alone by OpenCC t2s: context-free, so folding a quote
    and folding the text around it always agree (t2s turns 乾 into 干, but not in 乾隆)."""
    convertible = sorted(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF and c != "\n")
    converted = converter("t2s").convert("\n".join(convertible)).split("\n")
    if len(converted) != len(convertible):
        converted = [converter("t2s").convert(c) for c in convertible]
    return dict(zip(convertible, converted, strict=True))


def _fold_chars(chars: set[str]) -> None:
    missing = {c for c in chars if c not in _folded_chars}
    if not missing:
        return
    normalized = {c: unicodedata.normalize("NFKC", c) for c in missing}
    table = _t2s_table({n for s in normalized.values() for n in s})
    for c, s in normalized.items():
        s = "".join(table.get(n, n) for n in s).casefold()
        _folded_chars[c] = "".join(n for n in s if not n.isspace())


@dataclass(frozen=True)
class Folded:
    """`text` folded, with maps between folded indexes and original offsets.

    `origin[i]` is the original offset of the character folded character i came from;
    `at[k]` is the folded index where original offset k begins (`at[len] == len(text)`).
    """

    text: str
    origin: list[int]
    at: list[int]

    def original_span(self, i: int, j: int) -> tuple[int, int]:
        """The original offsets of folded characters i..j (j exclusive, j > i)."""
        return self.origin[i], self.origin[j - 1] + 1


def fold_text(text: str) -> str:
    """`text` folded for matching (see `fold`), without the offset maps."""
    _fold_chars(set(text))
    return "".join(_folded_chars[char] for char in text)


@lru_cache(maxsize=16)
def fold(text: str) -> Folded:
    """Fold `text` for matching: NFKC, then t2s, then casefold, whitespace dropped.

    Each original character folds on its own (NFKC may turn one into several, "①" into
    "1" or "ﬁ" into "fi", or whitespace into none), so every folded character maps back
    to exactly one original code point. Cached: a revision's text is folded once.
    """
    _fold_chars(set(text))
    pieces: list[str] = []
    origin: list[int] = []
    at: list[int] = []
    position = 0
    for offset, char in enumerate(text):
        at.append(position)
        piece = _folded_chars[char]
        if piece:
            pieces.append(piece)
            origin.extend([offset] * len(piece))
            position += len(piece)
    at.append(position)
    return Folded("".join(pieces), origin, at)


# --- matching ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Quote:
    """The old selector's quote and context, folded."""

    exact: str
    prefix: str
    suffix: str

    def agreement(self, folded: str, i: int, j: int) -> float:
        """How well the old context resembles the text around folded span i..j, 0..1."""
        weight = len(self.prefix) + len(self.suffix)
        if weight == 0:
            return 1.0
        before = folded[max(0, i - len(self.prefix)) : i]
        after = folded[j : j + len(self.suffix)]
        return (
            len(self.prefix) * _similarity(self.prefix, before)
            + len(self.suffix) * _similarity(self.suffix, after)
        ) / weight

    def trusted(self, folded: str, i: int, j: int) -> bool:
        """Whether span i..j is evidently the quoted passage, not a chance repeat.

        A long quote speaks for itself. A short one needs its surroundings: the quote
        plus the unchanged context right next to it must make SHORT_QUOTE characters
        (unless all the old context, at a text's edge, is there), and the context on
        both sides must still resemble the old (interviews repeat "郝珂靈:" at every
        turn; one matching side is not enough).
        """
        if len(self.exact) >= SHORT_QUOTE:
            return True
        before = folded[max(0, i - len(self.prefix)) : i]
        after = folded[j : j + len(self.suffix)]
        kept = _shared_head(self.prefix[::-1], before[::-1]) + _shared_head(self.suffix, after)
        enough = len(self.exact) + kept >= SHORT_QUOTE or kept == len(self.prefix + self.suffix)
        return enough and self.agreement(folded, i, j) >= SHORT_QUOTE_AGREEMENT


def _shared_head(a: str, b: str) -> int:
    """How many characters `a` and `b` have in common at their start."""
    for count, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return count
    return min(len(a), len(b))


def _similarity(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100


def _occurrences(haystack: str, needle: str):
    found = haystack.find(needle)
    while found != -1:
        yield found
        found = haystack.find(needle, found + 1)


def _find_moved(quote: _Quote, new: Folded, expected: int) -> tuple[int, int] | None:
    """The folded span of the best exact occurrence of the quote, or None."""
    hits = sorted(_occurrences(new.text, quote.exact), key=lambda i: abs(i - expected))
    best: tuple[float, int] | None = None
    for i in hits[:MAX_OCCURRENCES]:
        j = i + len(quote.exact)
        if not quote.trusted(new.text, i, j):
            continue
        agreement = quote.agreement(new.text, i, j)
        if best is None or agreement > best[0]:
            best = (agreement, i)
        if agreement == 1.0:
            break  # nothing further away can beat a perfect match nearer
    if best is None:
        return None
    return best[1], best[1] + len(quote.exact)


def _candidate_starts(quote: _Quote, new: Folded, expected: int) -> list[int]:
    """Likely folded start positions of an edited quote, most likely first.

    Seed and vote: every exact piece of the quote (and the context next to it) found in
    the new text votes for where the quote would start; the old position gets a vote.
    """
    m = len(quote.exact)
    votes: Counter[int] = Counter({expected: 1})
    step = max(SEED_LENGTH, m // MAX_SEEDS)
    seeds = [(quote.exact[g : g + SEED_LENGTH], g) for g in range(0, m - SEED_LENGTH + 1, step)]
    if len(quote.prefix) >= SEED_LENGTH * 2:
        seeds.append((quote.prefix[-SEED_LENGTH * 2 :], -SEED_LENGTH * 2))
    if len(quote.suffix) >= SEED_LENGTH * 2:
        seeds.append((quote.suffix[: SEED_LENGTH * 2], m))
    bucket = max(SEED_LENGTH, m // 4)
    for piece, offset in seeds:
        hits = list(islice(_occurrences(new.text, piece), MAX_SEED_HITS + 1))
        if len(hits) > MAX_SEED_HITS:
            continue  # too common to say anything
        for hit in hits:
            votes[(hit - offset) // bucket * bucket] += 1
    ranked = sorted(votes.items(), key=lambda item: (-item[1], abs(item[0] - expected)))
    return [start for start, _ in ranked[:MAX_WINDOWS]]


def _refine(quote: str, folded: str, i: int, j: int) -> tuple[int, int, float]:
    """Move the ends of folded span i..j to where the span best resembles `quote`."""
    reach = max(2, len(quote) // 4)
    best = _similarity(quote, folded[i:j])
    for _ in range(2):
        for end in range(max(i + 1, j - reach), min(len(folded), j + reach) + 1):
            score = _similarity(quote, folded[i:end])
            if score > best:
                best, j = score, end
        for start in range(max(0, i - reach), min(j, i + reach + 1)):
            score = _similarity(quote, folded[start:j])
            if score > best:
                best, i = score, start
    return i, j, best


def _find_fuzzy(quote: _Quote, new: Folded, expected: int) -> tuple[int, int, float] | None:
    """The folded span most like the quote, with its similarity, or None."""
    m = len(quote.exact)
    if m < FUZZY_MIN_LENGTH or not new.text:
        return None
    slack = max(SEED_LENGTH * 2, m // 2)
    best: tuple[float, float, int, int] | None = None
    for start in _candidate_starts(quote, new, expected):
        low = max(0, start - slack)
        window = new.text[low : start + m + slack]
        if not window:
            continue
        aligned = fuzz.partial_ratio_alignment(quote.exact, window)
        # A window the length of the quote cuts off an insertion; `_refine` widens it,
        # so a window a little under the threshold is still worth refining.
        if aligned is None or aligned.score / 100 < FUZZY_THRESHOLD - 0.1:
            continue
        i, j, score = _refine(
            quote.exact, new.text, low + aligned.dest_start, low + aligned.dest_end
        )
        if score < FUZZY_THRESHOLD or not quote.trusted(new.text, i, j):
            continue
        agreement = quote.agreement(new.text, i, j)
        if best is None or (score, agreement) > best[:2]:
            best = (score, agreement, i, j)
    if best is None:
        return None
    return best[2], best[3], best[0]


def reanchor(old: Selector, new_text: str) -> Anchor:
    """Where the highlight `old` belongs in `new_text` (see the module docstring).

    Never guesses: when no placement is trustworthy the anchor is orphaned and keeps
    the old offsets.
    """
    start, end = old.start, old.end
    if (
        new_text[start:end] == old.exact
        and new_text[max(0, start - len(old.prefix)) : start] == old.prefix
        and new_text[end : end + len(old.suffix)] == old.suffix
    ):
        return Anchor(EXACT, start, end, 1.0)

    orphan = Anchor(ORPHANED, start, end, None)
    quote = _Quote(fold_text(old.exact), fold_text(old.prefix), fold_text(old.suffix))
    if not quote.exact:
        return orphan
    new = fold(new_text)
    expected = new.at[min(start, len(new_text))]

    span = _find_moved(quote, new, expected)
    if span is not None:
        if end <= len(new_text) and span == (new.at[start], new.at[end]):
            # Same place, seen through folding: a script change, or whitespace at an edge.
            return Anchor(EXACT, start, end, 1.0)
        return Anchor(MOVED, *new.original_span(*span), 1.0)

    found = _find_fuzzy(quote, new, expected)
    if found is not None:
        i, j, score = found
        new_start, new_end = new.original_span(i, j)
        return Anchor(FUZZY, new_start, new_end, round(score, 4))
    return orphan
