"""A page before cleaning: every visible text block in document order, with its evidence.

Both plain text (one piece per line) and HTML (one piece per block element) become a
`Page`; the same rules then decide which pieces are article. A piece's `start` is its
offset into the page text (the pieces joined by newlines, or for plain text the decoded
input itself), which is where the removal audit points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .document import Link


@dataclass
class Piece:
    kind: str
    text: str
    start: int
    links: list[Link] = field(default_factory=list)
    link_chars: int = 0
    attrs: dict = field(default_factory=dict)
    # The structural rule that already marks this piece as junk (HTML only), or "".
    verdict: str = ""
    # Spans cut out of the text by repairs, and the text as it was before them.
    repairs: list = field(default_factory=list)
    original: str = ""

    @property
    def link_share(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass
class Hints:
    """Metadata the page states outright (HTML head, JSON-LD), before any guessing."""

    title: str = ""
    headline: str = ""  # the article's <h1>
    site_names: tuple[str, ...] = ()
    author: str = ""
    published: datetime | None = None
    base_url: str = ""  # what relative links resolve against


@dataclass
class Page:
    pieces: list[Piece]
    hints: Hints = field(default_factory=Hints)
    is_html: bool = False
