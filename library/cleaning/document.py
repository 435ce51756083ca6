"""The cleaner's output: blocks of article text, metadata and an audit of removals.

Offsets are Unicode code points, the unit Python strings, the W3C Web Annotation model
and every highlight in Pizhu use.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from .encoding import LOW_CONFIDENCE

BLOCK_KINDS = ("heading", "paragraph", "quote", "list_item", "image", "preformatted")
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Link:
    """An inline link mark: `start`/`end` are code-point offsets into its block's text."""

    start: int
    end: int
    href: str


@dataclass(frozen=True)
class Block:
    """One unit of article structure, e.g. a paragraph or a heading."""

    kind: str
    text: str
    attrs: dict = field(default_factory=dict)
    links: tuple[Link, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")


@dataclass(frozen=True)
class Removal:
    """A piece of the input the cleaner dropped, the rule that dropped it, and where.

    `start` is a code-point offset into the decoded input text.
    """

    text: str
    rule: str
    start: int


@dataclass(frozen=True)
class Metadata:
    title: str = ""
    source_site: str = ""
    author: str = ""
    published: datetime | None = None
    language: str = ""
    script: str = "unknown"


@dataclass(frozen=True)
class Cleaned:
    """A cleaned page: canonical text, the blocks laid over it, metadata and the audit."""

    text: str
    blocks: list[dict]
    metadata: Metadata
    removed: list[Removal]
    encoding: str = ""
    encoding_confidence: float = 1.0
    # Fingerprints of the page's short lines, kept or not, to learn site boilerplate.
    fingerprints: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.metadata.title

    @property
    def low_confidence(self) -> bool:
        """Whether the decode was a guess that the import report should flag."""
        return self.encoding_confidence < LOW_CONFIDENCE

    def as_json(self) -> dict:
        """A JSON-ready dict: the shape `python -m library.cleaning --json` prints."""
        metadata = asdict(self.metadata)
        if self.metadata.published:
            metadata["published"] = self.metadata.published.isoformat()
        return {
            "title": self.title,
            "text": self.text,
            "blocks": self.blocks,
            "metadata": metadata,
            "encoding": self.encoding,
            "encoding_confidence": self.encoding_confidence,
            "removed": [asdict(removal) for removal in self.removed],
        }


def cut(text: str, removals: list[Removal]) -> str:
    """`text` without the spans of `removals` (offsets into `text`; overlaps are merged)."""
    kept: list[str] = []
    cursor = 0
    for removal in sorted(removals, key=lambda r: r.start):
        if removal.start > cursor:
            kept.append(text[cursor : removal.start])
        cursor = max(cursor, removal.start + len(removal.text))
    kept.append(text[cursor:])
    return "".join(kept)


def assemble(blocks: list[Block]) -> tuple[str, list[dict]]:
    """Join blocks into the canonical text and lay each block over it by offset.

    Returns `(text, layout)`: `text` is the block texts joined with a blank line, and
    each layout entry is `{"kind", "start", "end", "attrs", "links"}` with
    `text[start:end] == block.text` and link offsets made absolute.
    """
    parts: list[str] = []
    layout: list[dict] = []
    offset = 0
    for block in blocks:
        if not block.text:
            continue
        if parts:
            parts.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        start, end = offset, offset + len(block.text)
        layout.append(
            {
                "kind": block.kind,
                "start": start,
                "end": end,
                "attrs": dict(block.attrs),
                "links": [
                    [start + link.start, start + link.end, link.href] for link in block.links
                ],
            }
        )
        parts.append(block.text)
        offset = end
    return "".join(parts), layout
