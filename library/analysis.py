"""What indexing reads from a document: search tokens, entity mentions, theme keywords,
passages to suggest and term counts. No Django here.

Everything is found line by line on the folded text, and nothing crosses a line break
(tokens, aliases and keywords hold no newline), so a line's analysis is the same
wherever it occurs. An `Analyser` remembers the lines it has seen: site boilerplate,
quotes repeated across articles and generated benchmark libraries cost nothing twice.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .chinese import folded_with_offsets, search_key
from .mentions import Alias, Matcher, Mention
from .terms import is_cjk, tokens

# A sentence ends at Chinese or Western end punctuation, with any closing quotes.
SENTENCE = re.compile(r"[^。！？!?；;]*?(?:[。！？!?；;]+[”’」』\"'）)]*|\.(?=\s)|$)")
# Suggested passages: sentences of a readable length, the best few per theme.
PASSAGE_MIN = 8
PASSAGE_MAX = 300
PASSAGES_PER_THEME = 3
# A title says more about what an article is about than one sentence of it.
TITLE_WEIGHT = 3
# Lines kept by one Analyser before it forgets them all (memory stays bounded).
CACHE_LINES = 20_000


@dataclass(frozen=True)
class Line:
    """One line's findings, offsets relative to the line."""

    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    keywords: tuple[Mention, ...]  # `entity` is the theme's name
    sentences: tuple[tuple[int, int], ...]
    terms: tuple[str, ...]  # the tokens similarity compares (see `is_term`)


@dataclass(frozen=True)
class Passage:
    """A sentence that reads as being about `theme`: a highlight to suggest."""

    theme: str
    start: int
    end: int
    hits: int  # keyword occurrences in it


@dataclass
class Analysis:
    title_tokens: list[str]
    tokens: list[str]
    mentions: list[Mention]
    theme_hits: Counter[str]
    passages: list[Passage]
    term_counts: Counter[str]
    length: int
    entity_counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.entity_counts = Counter(mention.entity for mention in self.mentions)

    def theme_score(self, theme: str) -> float:
        """How much the article is about `theme`: keyword hits per thousand characters,
        damped so a short note with two hits does not outrank a long essay."""
        hits = self.theme_hits.get(theme, 0)
        return round(hits * 1000 / (self.length + 1000) * math.log1p(hits), 4)


def sentences(line: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a line, spaces trimmed."""
    spans = []
    for match in SENTENCE.finditer(line):
        start, end = match.span()
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def is_term(token: str) -> bool:
    """Whether similarity compares a token: CJK bigrams and words of two or more
    characters that are not plain numbers."""
    return len(token) >= 2 and not token.isdigit() and (len(token) == 2 or not is_cjk(token))


def term_counts(all_tokens: Iterable[str]) -> Counter[str]:
    return Counter(token for token in all_tokens if is_term(token))


class Analyser:
    """Finds tokens, mentions and theme keywords with one entity and one theme matcher.

    `entities` are aliases of entities (their `entity` names the entity); `themes` are
    keywords (their `entity` names the theme).
    """

    def __init__(self, entities: Iterable[Alias] = (), themes: Iterable[Alias] = ()):
        self.entities = Matcher(entities)
        self.themes = Matcher(themes)
        self.cache: dict[str, Line] = {}

    def line(self, text: str) -> Line:
        found = self.cache.get(text)
        if found is None:
            if len(self.cache) >= CACHE_LINES:
                self.cache.clear()
            folded, offsets = folded_with_offsets(text)
            line_tokens = tuple(tokens(folded))
            found = Line(
                line_tokens,
                tuple(self.entities.find_folded(folded, offsets)),
                tuple(self.themes.find_folded(folded, offsets)),
                tuple(sentences(text)),
                tuple(filter(is_term, line_tokens)),
            )
            self.cache[text] = found
        return found

    def analyse(self, title: str, text: str) -> Analysis:
        """Everything indexing needs from a document's title and canonical text."""
        body_tokens: list[str] = []
        body_terms: list[str] = []
        mentions: list[Mention] = []
        hits: Counter[str] = Counter()
        candidates: list[Passage] = []
        offset = 0
        for raw in text.split("\n"):
            if raw.strip():
                line = self.line(raw)
                body_tokens.extend(line.tokens)
                body_terms.extend(line.terms)
                mentions.extend(
                    Mention(m.entity, m.start + offset, m.end + offset) for m in line.mentions
                )
                hits.update(keyword.entity for keyword in line.keywords)
                if line.keywords:
                    candidates.extend(passages_of(line, offset))
            offset += len(raw) + 1
        folded_title = search_key(title)
        title_tokens = tokens(folded_title)
        for keyword in self.themes.find(title):
            hits[keyword.entity] += TITLE_WEIGHT
        return Analysis(
            title_tokens=title_tokens,
            tokens=body_tokens,
            mentions=mentions,
            theme_hits=hits,
            passages=best_passages(candidates),
            term_counts=Counter([*filter(is_term, title_tokens), *body_terms]),
            length=len(text),
        )


def passages_of(line: Line, offset: int) -> list[Passage]:
    """The line's sentences that hold theme keywords, one passage per theme each."""
    found = []
    for start, end in line.sentences:
        if not PASSAGE_MIN <= end - start <= PASSAGE_MAX:
            continue
        inside: dict[str, list[Mention]] = {}
        for keyword in line.keywords:
            if start <= keyword.start and keyword.end <= end:
                inside.setdefault(keyword.entity, []).append(keyword)
        for theme, keywords in inside.items():
            found.append(Passage(theme, start + offset, end + offset, len(keywords)))
    return found


def best_passages(candidates: list[Passage]) -> list[Passage]:
    """The best few passages per theme, most keywords first, then in reading order."""
    chosen: list[Passage] = []
    by_theme: dict[str, list[Passage]] = {}
    for passage in candidates:
        by_theme.setdefault(passage.theme, []).append(passage)
    for passages in by_theme.values():
        ranked = sorted(passages, key=lambda p: (-p.hits, p.start))[:PASSAGES_PER_THEME]
        chosen.extend(ranked)
    return sorted(chosen, key=lambda p: (p.start, p.theme))
