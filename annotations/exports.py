"""Markdown (Obsidian-ready) and CSV exports of highlights. No Django here.

Both take the plain `Exported` values that the Web Annotation writer uses, so every
export format says the same thing about a highlight.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .webannotation import Exported, utc

# A spreadsheet runs a cell that starts with one of these as a formula (CWE-1236).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_COLUMNS = [
    "document_title",
    "document_url",
    "quote",
    "note",
    "tags",
    "start",
    "end",
    "created",
    "modified",
    "highlight_url",
]


@dataclass(frozen=True)
class Source:
    """The document a set of highlights belongs to, for front matter and links back."""

    title: str
    url: str
    original_url: str = ""
    site: str = ""
    author: str = ""
    published: datetime | None = None


def csv_safe(value: object) -> str:
    """`value` as CSV cell text that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Iterable[tuple[Source, Exported]]) -> str:
    """One line per highlight; every cell defused against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for source, item in rows:
        writer.writerow(
            csv_safe(value)
            for value in (
                source.title,
                source.url,
                item.exact,
                item.note,
                "; ".join(item.tags),
                item.start,
                item.end,
                utc(item.created) or "",
                utc(item.modified) or "",
                item.id,
            )
        )
    return out.getvalue()


def _yaml_string(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for any title.
    return json.dumps(value, ensure_ascii=False)


def quote_block(text: str) -> str:
    """`text` as a Markdown block quote, every line prefixed."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def markdown(source: Source, items: Iterable[Exported]) -> str:
    """One document's highlights as a Markdown note with YAML front matter."""
    front = ["---", f"title: {_yaml_string(source.title)}", f"url: {_yaml_string(source.url)}"]
    if source.original_url:
        front.append(f"source: {_yaml_string(source.original_url)}")
    if source.site:
        front.append(f"site: {_yaml_string(source.site)}")
    if source.author:
        front.append(f"author: {_yaml_string(source.author)}")
    if source.published:
        front.append(f"date: {source.published.date().isoformat()}")
    front += ["tags: [pizhu]", "---", "", f"# {source.title}", ""]
    parts = ["\n".join(front)]
    for item in items:
        lines = [quote_block(item.exact), ""]
        if item.note:
            lines += [item.note, ""]
        if item.tags:
            lines += [" ".join("#" + tag.replace(" ", "_") for tag in item.tags), ""]
        lines += [f"[↗ In Pizhu]({item.id})", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts).rstrip() + "\n"
