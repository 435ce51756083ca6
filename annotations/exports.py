"""Markdown (Obsidian-ready) and CSV exports of highlights, and the file names and
archives they travel in. No Django here.

Both take the plain `Exported` values that the Web Annotation writer uses, so every
export format says the same thing about a highlight.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

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
    "author",
    "original_url",
]
# Excel and WPS read a UTF-8 CSV as the local code page unless it starts with a BOM.
CSV_BOM = "\ufeff"


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
                item.url or item.id,
                item.creator,
                source.original_url,
            )
        )
    return out.getvalue()


def _yaml_string(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: safe for any title.
    return json.dumps(value, ensure_ascii=False)


# Characters that Markdown (and Obsidian: #tags, $math$, ^block ids) reads as syntax
# anywhere in a line; `==marks==` and `%%comments%%` need two in a row.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>&|~$#^])")
_DOUBLED_SYNTAX = re.compile(r"[=%]{2,}")
_ORDERED_ITEM = re.compile(r"(\d+)([.)])")


def literal(text: str) -> str:
    """`text` escaped so that Markdown shows it as written, never as markup or HTML.

    Quotes and titles are scraped text: `<script>`, `[x](javascript:…)` or a line that
    starts with `# ` must come out literally in the reader's notes app.
    """
    text = _MARKDOWN_SYNTAX.sub(r"\\\1", text)
    text = _DOUBLED_SYNTAX.sub(lambda run: "".join("\\" + c for c in run[0]), text)
    lines = []
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)]
        if body[:1] in {"+", "-", "="}:
            body = "\\" + body
        elif match := _ORDERED_ITEM.match(body):
            body = f"{match[1]}\\{match[2]}{body[match.end() :]}"
        lines.append(indent + body)
    return "\n".join(lines)


def obsidian_tag(name: str) -> str:
    """`name` as an Obsidian #tag: letters, digits, `_`, `-` and `/` only."""
    tag = re.sub(r"[^\w/-]", "_", name)
    return "#" + (tag if not tag.isdigit() else "_" + tag)


def quote_block(text: str) -> str:
    """`text` as a Markdown block quote, every line prefixed."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def markdown(source: Source, items: Iterable[Exported], *, authors: bool = False) -> str:
    """One document's highlights as a Markdown note with YAML front matter.

    Quotes and the title are shown literally (`literal`); notes are Markdown already.
    With `authors`, each highlight names who wrote it (exports of shared highlights).
    """
    front = ["---", f"title: {_yaml_string(source.title)}", f"url: {_yaml_string(source.url)}"]
    if source.original_url:
        front.append(f"source: {_yaml_string(source.original_url)}")
    if source.site:
        front.append(f"site: {_yaml_string(source.site)}")
    if source.author:
        front.append(f"author: {_yaml_string(source.author)}")
    if source.published:
        front.append(f"date: {source.published.date().isoformat()}")
    front += ["tags: [pizhu]", "---", "", f"# {literal(source.title)}", ""]
    parts = ["\n".join(front)]
    for item in items:
        lines = [quote_block(literal(item.exact)), ""]
        if authors and item.creator:
            lines += [f"— {literal(item.creator)}", ""]
        if item.note:
            lines += [item.note, ""]
        if item.tags:
            lines += [" ".join(obsidian_tag(tag) for tag in item.tags), ""]
        lines += [f"[↗ In Pizhu]({item.url or item.id})", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts).rstrip() + "\n"


# Not in a file name on Windows, macOS or Linux, nor in an Obsidian note's name (links
# break on # ^ [ ] |); controls and invisible bidi/zero-width characters either.
_UNSAFE_IN_NAMES = re.compile(
    r'[\x00-\x1f\x7f<>:"/\\|?*#^\[\]\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]'
)
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{d}{n}" for d in ("COM", "LPT") for n in range(10)
}
MAX_NAME_LENGTH = 80


def file_name(title: str, extension: str, fallback: str) -> str:
    """A file name made from `title` that every system and Obsidian accept.

    Keeps Chinese and other letters, drops what a file system or a notes app would
    read as structure, and uses `fallback` (ASCII) when nothing usable is left.
    """
    name = " ".join(_UNSAFE_IN_NAMES.sub(" ", title).split())[:MAX_NAME_LENGTH].strip(" .")
    if not name or name.split(".")[0].upper() in _WINDOWS_DEVICES:
        name = fallback
    return f"{name}.{extension}"


def content_disposition(name: str, fallback: str) -> str:
    """An attachment header naming the file `name` (RFC 6266 `filename*`, UTF-8), with
    the ASCII `fallback` as `filename` for clients that predate it."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", fallback) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def notes_archive(notes: Iterable[tuple[str, str]]) -> bytes:
    """A zip of Markdown notes, `(file name, text)` pairs: an Obsidian folder.

    A name that repeats gets " (2)", " (3)" … before its extension.
    """
    out = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in notes:
            stem, dot, extension = name.rpartition(".")
            unique, n = name, 1
            while unique.casefold() in seen:
                n += 1
                unique = f"{stem} ({n}){dot}{extension}"
            seen.add(unique.casefold())
            archive.writestr(unique, text.encode("utf-8"))
    return out.getvalue()
