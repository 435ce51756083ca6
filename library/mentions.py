"""Finding entity mentions in text by their aliases. No Django here.

One alias list serves every script: aliases and text are matched on the folded search
key (NFKC, Simplified, casefold), and each match is mapped back to code-point offsets
in the original text. The longest alias wins where several start at one place
(“萨姆·奥特曼” over “奥特曼”, “Sam Altman” over “Altman”). A Latin alias must stand as a
word (“Meta” is not in “metadata”); a Chinese alias is refused inside a longer word its
entity lists under `exclude` (“马斯克” is not in “马斯克林”).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .chinese import folded_with_offsets, search_key

WORD_CHAR = re.compile(r"[0-9a-z\u00c0-\u024f]")


@dataclass(frozen=True)
class Mention:
    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class Alias:
    entity: str
    text: str
    exclude: tuple[str, ...] = ()


class Matcher:
    """All the aliases of all entities, compiled into one pattern."""

    def __init__(self, aliases: Iterable[Alias]):
        self.entities: dict[str, Alias] = {}
        for alias in aliases:
            key = search_key(alias.text).strip()
            if key:
                # The first entity to claim an alias keeps it.
                self.entities.setdefault(key, Alias(alias.entity, key, alias.exclude))
        keys = sorted(self.entities, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
        self.excluded = {
            key: tuple(search_key(word) for word in alias.exclude)
            for key, alias in self.entities.items()
            if alias.exclude
        }

    def find(self, text: str) -> list[Mention]:
        """Every mention in `text`, in order, as offsets into `text` itself."""
        if self.pattern is None:
            return []
        return self.find_folded(*folded_with_offsets(text))

    def find_folded(self, folded: str, offsets: list[int]) -> list[Mention]:
        """Every mention in text already folded by `folded_with_offsets(text)`."""
        if self.pattern is None:
            return []
        mentions = []
        position = 0
        while match := self.pattern.search(folded, position):
            start, end = match.span()
            key = match.group()
            if self.stands_alone(folded, start, end, key):
                original_end = offsets[end - 1] + 1
                mentions.append(Mention(self.entities[key].entity, offsets[start], original_end))
                position = end
            else:
                position = start + 1
        return mentions

    def stands_alone(self, folded: str, start: int, end: int, key: str) -> bool:
        if WORD_CHAR.match(key[0]) and start and WORD_CHAR.match(folded[start - 1]):
            return False
        if WORD_CHAR.match(key[-1]) and end < len(folded) and WORD_CHAR.match(folded[end]):
            return False
        for word in self.excluded.get(key, ()):
            # Is this match part of the longer word, wherever in the word the alias sits?
            offset = word.find(key)
            while offset >= 0:
                if folded.startswith(word, start - offset):
                    return False
                offset = word.find(key, offset + 1)
        return True
